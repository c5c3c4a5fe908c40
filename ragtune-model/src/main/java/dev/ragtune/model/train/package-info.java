/**
 * LoRA fine-tuning of T5: AdamW, linear warm-up/decay, the training loop (gradient accumulation, clipping, per-epoch
 * evaluation with loss and SQuAD EM/F1, checkpoints, resume, Ctrl-C) and greedy decoding for evaluation.
 * Depends on the t5, lora and data packages; never on tokenizer implementations, the CLI or anything RAG.
 */
package dev.ragtune.model.train;
