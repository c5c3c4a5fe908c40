/**
 * Question-answering training data: SQuAD v1.1 JSON and JSONL readers, split slices ({@code train[:2%]}), prompt
 * templates, tokenization with truncation, length-grouped batching with dynamic padding, and SQuAD's official EM/F1.
 * Depends on no model code: text becomes ids through the small {@link dev.ragtune.model.data.TextCodec} interface.
 */
package dev.ragtune.model.data;
