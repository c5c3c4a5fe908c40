/**
 * Text ↔ ids for T5 checkpoints through DJL's Hugging Face tokenizers binding ({@code tokenizer.json}, EOS
 * appended as T5 does). Depends only on DJL tokenizers and SLF4J; knows nothing of models or generation.
 */
package dev.ragtune.model.tokenize;
