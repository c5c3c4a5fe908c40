package dev.ragtune.app.wiring;

import dev.ragtune.model.data.TextCodec;
import dev.ragtune.model.tokenize.T5Tokenizer;

/** The FLAN-T5 tokenizer as the training data's {@link TextCodec} (EOS appended, specials skipped on decode). */
public record TokenizerCodec(T5Tokenizer tokenizer) implements TextCodec {
    @Override
    public long[] encode(String text) {
        return tokenizer.encode(text);
    }

    @Override
    public String decode(long[] ids) {
        return tokenizer.decode(ids);
    }
}
