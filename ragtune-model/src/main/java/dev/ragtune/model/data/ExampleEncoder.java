package dev.ragtune.model.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizes examples with truncation as HF's tokenizer does with {@code truncation=True}: a sequence longer than the
 * limit keeps its first {@code max - 1} tokens followed by EOS. Truncated prompts and targets are counted and reported
 * with ONE warning per call (their share of a SQuAD slice is a property of the data worth seeing).
 */
public record ExampleEncoder(TextCodec codec, int maxSource, int maxTarget, long eosId) {
    private static final Logger LOG = LoggerFactory.getLogger(ExampleEncoder.class);

    public ExampleEncoder {
        if (maxSource < 2 || maxTarget < 2) {
            throw new IllegalArgumentException("max_source and max_target must be at least 2, got " + maxSource
                    + " / " + maxTarget);
        }
    }

    /** Result of encoding: the examples and how many sources / targets were cut. */
    public record Encoded(List<TokenizedExample> examples, int truncatedSources, int truncatedTargets) {
    }

    public Encoded encode(List<QaExample> examples, String what) {
        List<TokenizedExample> out = new ArrayList<>(examples.size());
        int cutSources = 0;
        int cutTargets = 0;
        for (QaExample e : examples) {
            long[] s = codec.encode(e.prompt());
            long[] t = codec.encode(e.target());
            if (s.length > maxSource) {
                s = truncate(s, maxSource);
                cutSources++;
            }
            if (t.length > maxTarget) {
                t = truncate(t, maxTarget);
                cutTargets++;
            }
            out.add(new TokenizedExample(s, t, e.answers()));
        }
        if (cutSources > 0 || cutTargets > 0) {
            LOG.warn("{}: truncated {} of {} prompts longer than max_source={} tokens and {} answers longer than"
                    + " max_target={} tokens", what, cutSources, examples.size(), maxSource, cutTargets, maxTarget);
        }
        return new Encoded(out, cutSources, cutTargets);
    }

    private long[] truncate(long[] ids, int max) {
        long[] out = Arrays.copyOf(ids, max);
        out[max - 1] = eosId;
        return out;
    }
}
