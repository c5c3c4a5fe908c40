/**
 * T5 / FLAN-T5 (v1.1 gated-gelu and original relu) written as DJL NDArray ops, so the same code infers and trains:
 * config, weight loading from Hugging Face folders, named {@link dev.ragtune.model.t5.Linear} layers (LoRA hooks),
 * encoder, decoder with KV cache, loss. Must not depend on tokenization, generation strategies or anything RAG.
 */
package dev.ragtune.model.t5;
