package dev.ragtune.model.data;

import dev.ragtune.model.Golden;
import dev.ragtune.model.tokenize.T5Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The real FLAN-T5 tokenizer, adapted as the CLI does, obeys the {@link TextCodec} contract. */
class T5TokenizerCodecTest extends TextCodecContract {
    private static T5Tokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = T5Tokenizer.load(Golden.resource("t5-tokenizer"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Override
    protected TextCodec codec() {
        return new TextCodec() {
            @Override
            public long[] encode(String text) {
                return tokenizer.encode(text);
            }

            @Override
            public String decode(long[] ids) {
                return tokenizer.decode(ids);
            }
        };
    }

    @Override
    protected String sampleAnswer() {
        return "Denver Broncos";
    }
}
