package dev.ragtune.model.data;

/**
 * Text to token ids and back, e.g. the FLAN-T5 tokenizer. {@link #encode} must append the end-of-sequence id as the
 * T5 tokenizer does; {@link #decode} must skip special tokens (pad, eos).
 */
public interface TextCodec {
    long[] encode(String text);

    String decode(long[] ids);
}
