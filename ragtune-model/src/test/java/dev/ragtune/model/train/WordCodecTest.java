package dev.ragtune.model.train;

import dev.ragtune.model.data.TextCodec;
import dev.ragtune.model.data.TextCodecContract;

/** The tiny-model test codec obeys the {@link TextCodec} contract the trainer relies on. */
class WordCodecTest extends TextCodecContract {
    @Override
    protected TextCodec codec() {
        return new WordCodec();
    }

    @Override
    protected String sampleAnswer() {
        return "w110 w42";
    }
}
