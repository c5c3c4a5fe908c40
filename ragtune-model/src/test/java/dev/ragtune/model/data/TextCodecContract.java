package dev.ragtune.model.data;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What the training data needs from every {@link TextCodec}: encode ends with EOS (id 1, T5), decode skips pad/EOS
 * and gives back the text of a plain answer, and encoding is deterministic.
 */
public abstract class TextCodecContract {
    protected abstract TextCodec codec();

    /** A short answer this codec round-trips exactly. */
    protected abstract String sampleAnswer();

    @Test
    void encodeAppendsEos() {
        long[] ids = codec().encode(sampleAnswer());
        assertThat(ids).isNotEmpty();
        assertThat(ids[ids.length - 1]).isEqualTo(1L);
    }

    @Test
    void decodeSkipsPadAndEosAndRoundTrips() {
        long[] ids = codec().encode(sampleAnswer());
        long[] padded = java.util.Arrays.copyOf(ids, ids.length + 3);
        assertThat(codec().decode(padded)).isEqualTo(sampleAnswer());
    }

    @Test
    void encodingIsDeterministic() {
        assertThat(codec().encode(sampleAnswer())).containsExactly(codec().encode(sampleAnswer()));
    }
}
