package dev.ragtune.model.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.t5.DecoderCache;
import dev.ragtune.model.t5.EncoderOutput;
import dev.ragtune.model.t5.T5Model;

/**
 * Teacher forcing through the incremental decoder (the path generation takes, fp32 or int8): the log-probabilities
 * the model gives each position of a fixed target, one source at a time. Used to compare two ways of decoding on the
 * same tokens (argmax agreement, change of log-likelihood) without the divergence of free-running generation.
 */
public final class ForcedDecoding {
    private ForcedDecoding() {
    }

    /**
     * Per target position t, the log-softmax over the vocabulary after the decoder has seen the start token and
     * {@code target[0..t)}; {@code [target.length][V]}.
     */
    public static float[][] logProbs(T5Model model, long[] source, long[] target) {
        int vocab = model.config().vocabSize();
        float[][] out = new float[target.length][];
        try (NDManager request = model.manager().newSubManager()) {
            NDArray ids = request.create(source, new Shape(1, source.length));
            NDArray mask = request.ones(new Shape(1, source.length), ai.djl.ndarray.types.DataType.INT64);
            EncoderOutput enc = model.encodeForInference(ids, mask);
            DecoderCache cache = model.startDecoding(enc, null, target.length + 1);
            long last = model.config().decoderStartTokenId();
            for (int t = 0; t < target.length; t++) {
                try (NDManager step = request.newSubManager()) {
                    float[] logits = model.decodeStep(step.create(new long[] {last}), cache).toFloatArray();
                    out[t] = logSoftmax(logits, vocab);
                }
                last = target[t];
            }
        }
        return out;
    }

    private static float[] logSoftmax(float[] logits, int vocab) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) {
            max = Math.max(max, logits[v]);
        }
        double sum = 0;
        for (int v = 0; v < vocab; v++) {
            sum += Math.exp(logits[v] - max);
        }
        double log = max + Math.log(sum);
        float[] out = new float[vocab];
        for (int v = 0; v < vocab; v++) {
            out[v] = (float) (logits[v] - log);
        }
        return out;
    }

    /** Index of the largest value (the first one on ties, as torch.argmax). */
    public static int argmax(float[] a) {
        int best = 0;
        for (int i = 1; i < a.length; i++) {
            if (a[i] > a[best]) {
                best = i;
            }
        }
        return best;
    }
}
