package dev.ragtune.model.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.t5.DecoderCache;
import dev.ragtune.model.t5.EncoderOutput;
import dev.ragtune.model.t5.T5Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Minimal batched greedy decoding with the model's KV cache, for validation EM/F1 during training (the full generator
 * with beam search and sampling lives in the generate package). Each returned row holds the generated tokens without
 * the start token, ending with EOS if one was produced.
 */
public final class GreedyDecoder {
    private GreedyDecoder() {
    }

    public static List<long[]> generate(T5Model model, List<long[]> sources, int maxNewTokens) {
        int n = sources.size();
        int s = sources.stream().mapToInt(a -> a.length).max().orElseThrow();
        long pad = model.config().padTokenId();
        long eos = model.config().eosTokenId();
        long[] ids = new long[n * s];
        long[] mask = new long[n * s];
        Arrays.fill(ids, pad);
        for (int i = 0; i < n; i++) {
            System.arraycopy(sources.get(i), 0, ids, i * s, sources.get(i).length);
            Arrays.fill(mask, i * s, i * s + sources.get(i).length, 1);
        }
        List<long[]> out = new ArrayList<>();
        long[][] rows = new long[n][maxNewTokens];
        int[] lengths = new int[n];
        boolean[] done = new boolean[n];
        try (NDManager scope = model.manager().newSubManager()) {
            EncoderOutput enc = model.encodeForInference(scope.create(ids, new Shape(n, s)),
                    scope.create(mask, new Shape(n, s)));
            DecoderCache cache = model.startDecoding(enc, null, maxNewTokens + 1);
            long[] last = new long[n];
            Arrays.fill(last, model.config().decoderStartTokenId());
            for (int step = 0; step < maxNewTokens; step++) {
                long[] next;
                try (NDManager stepScope = scope.newSubManager()) { // a step's arrays are freed with the step
                    next = model.decodeStep(stepScope.create(last), cache).argMax(-1).toLongArray();
                }
                boolean all = true;
                for (int i = 0; i < n; i++) {
                    if (done[i]) {
                        last[i] = pad;
                        continue;
                    }
                    rows[i][lengths[i]++] = next[i];
                    last[i] = next[i];
                    done[i] = next[i] == eos;
                    all &= done[i];
                }
                if (all) {
                    break;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            out.add(Arrays.copyOf(rows[i], lengths[i]));
        }
        return out;
    }
}
