/**
 * Text generation for seq2seq models with Hugging Face {@code generate()} semantics: greedy, beam search,
 * sampling and their logits processors, over {@link dev.ragtune.model.t5.T5Model}'s KV-cached decoder.
 * May depend on the t5 and tokenize packages; must not depend on training, LoRA or anything RAG.
 */
package dev.ragtune.model.generate;
