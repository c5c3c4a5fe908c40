/**
 * LoRA adapters for {@link dev.ragtune.model.t5.T5Model}: configuration, trainable low-rank layers attached by HF
 * module name, PEFT-compatible save/load ({@code adapter_config.json} + {@code adapter_model.safetensors}) and merging
 * into a Hugging Face model folder. Depends only on the t5 and io packages; knows nothing of data or training loops.
 */
package dev.ragtune.model.lora;
