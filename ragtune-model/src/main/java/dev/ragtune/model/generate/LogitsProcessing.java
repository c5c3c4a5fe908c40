package dev.ragtune.model.generate;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * HF logits processors and warpers on one row of scores ({@code row[off .. off+len)}), in place:
 * {@code MinNewTokensLengthLogitsProcessor}, {@code NoRepeatNGramLogitsProcessor}, {@code TemperatureLogitsWarper},
 * {@code TopKLogitsWarper}, {@code TopPLogitsWarper} (min_tokens_to_keep 1), then multinomial sampling.
 * Removed entries become {@code -inf}. Pure functions, no state.
 */
public final class LogitsProcessing {
    private LogitsProcessing() {
    }

    /** Bans EOS while fewer than {@code minNewTokens} tokens have been generated. */
    public static void minNewTokens(float[] row, int off, int generatedSoFar, int minNewTokens, int eosTokenId) {
        if (generatedSoFar < minNewTokens) {
            row[off + eosTokenId] = Float.NEGATIVE_INFINITY;
        }
    }

    /**
     * Bans every token that would complete an n-gram already present in {@code sequence[0..length)} (the decoder
     * sequence including its start token), as HF's {@code _calc_banned_ngram_tokens}.
     */
    public static void noRepeatNgram(float[] row, int off, long[] sequence, int length, int n) {
        if (n <= 0 || length + 1 < n) {
            return;
        }
        Map<List<Long>, List<Long>> seen = new HashMap<>();
        for (int i = 0; i + n <= length; i++) {
            Long[] prefix = new Long[n - 1];
            for (int j = 0; j < n - 1; j++) {
                prefix[j] = sequence[i + j];
            }
            seen.computeIfAbsent(Arrays.asList(prefix), k -> new java.util.ArrayList<>()).add(sequence[i + n - 1]);
        }
        Long[] current = new Long[n - 1];
        for (int j = 0; j < n - 1; j++) {
            current[j] = sequence[length - (n - 1) + j];
        }
        List<Long> banned = seen.get(Arrays.asList(current));
        if (banned != null) {
            for (long t : banned) {
                row[off + (int) t] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Divides scores by {@code temperature}. */
    public static void temperature(float[] row, int off, int len, double temperature) {
        if (temperature == 1.0) {
            return;
        }
        for (int i = off; i < off + len; i++) {
            row[i] = (float) (row[i] / temperature);
        }
    }

    /** Keeps the {@code k} highest scores (and ties with the k-th); others become -inf. k 0 disables. */
    public static void topK(float[] row, int off, int len, int k) {
        if (k <= 0 || k >= len) {
            return;
        }
        float[] copy = Arrays.copyOfRange(row, off, off + len);
        Arrays.sort(copy);
        float threshold = copy[len - k];
        for (int i = off; i < off + len; i++) {
            if (row[i] < threshold) {
                row[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Nucleus filtering: sorting ascending, removes tokens whose cumulative probability is {@code <= 1 - p},
     * always keeping the most likely token. p 1 disables.
     */
    public static void topP(float[] row, int off, int len, double p) {
        if (p >= 1.0) {
            return;
        }
        Integer[] order = new Integer[len];
        for (int i = 0; i < len; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(row[off + a], row[off + b]));
        float[] sorted = new float[len];
        for (int i = 0; i < len; i++) {
            sorted[i] = row[off + order[i]];
        }
        double[] probs = softmax(sorted, 0, len);
        double cumulative = 0;
        for (int i = 0; i < len - 1; i++) {
            cumulative += probs[i];
            if (cumulative <= 1 - p) {
                row[off + order[i]] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Softmax of a row in double precision (-inf → 0). */
    public static double[] softmax(float[] row, int off, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            max = Math.max(max, row[i]);
        }
        double[] out = new double[len];
        double sum = 0;
        for (int i = 0; i < len; i++) {
            double e = row[off + i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(row[off + i] - max);
            out[i] = e;
            sum += e;
        }
        for (int i = 0; i < len; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /**
     * Index of the highest score as {@code torch.argmax} gives it: the first on ties, the first NaN if any, 0 when
     * all are -inf. Two passes (max, then its first position) so the JIT vectorizes the first.
     */
    public static int argmax(float[] row, int off, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) {
            max = Math.max(max, row[i]); // NaN wins, as in torch
        }
        boolean nan = Float.isNaN(max);
        for (int i = off; i < off + len; i++) {
            float v = row[i];
            if (v == max || (nan && Float.isNaN(v))) {
                return i - off;
            }
        }
        return 0;
    }

    /** Draws one index from softmax(row) with {@code random}. */
    public static int sample(float[] row, int off, int len, SplittableRandom random) {
        double[] probs = softmax(row, off, len);
        double u = random.nextDouble();
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < len; i++) {
            if (probs[i] > 0) {
                cumulative += probs[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last;
    }
}
