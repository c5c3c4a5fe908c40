/**
 * Reading and writing Hugging Face safetensors files (single file or sharded index), memory-mapped, with
 * F32/F16/BF16 converted to fp32, and removal of folders they are staged in. Depends only on DJL's NDArray API and Jackson; knows nothing of T5 or RAG.
 */
package dev.ragtune.model.io;
