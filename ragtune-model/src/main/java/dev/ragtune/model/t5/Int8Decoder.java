package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.quant.Int8Gemm;
import dev.ragtune.model.quant.Int8Matrix;

/**
 * The incremental decoder step with int8 weights (opt-in, {@link T5Model#useInt8Decoder}): every decoder linear that
 * runs per token (self q|k|v and o, cross q and o, wi_0|wi_1 or wi, wo) and the lm_head hold per-row int8 weights
 * ({@link Int8Matrix}); activations, norms, attention and the KV cache stay fp32, in Java arrays, so a step makes one
 * call into PyTorch (the embedding lookup) instead of dozens. The cross-attention keys/values are computed once per
 * request by the fp32 path. Results differ from fp32 by the weights' rounding; the bench measures by how much.
 */
final class Int8Decoder implements AutoCloseable {
    private final T5Config config;
    private final Int8Gemm gemm;
    private final Layer[] layers;
    private final float[] finalNorm;
    private final Int8Matrix lmHead;

    /** One decoder layer's int8 matrices and fp32 norm weights. */
    private record Layer(float[] selfNorm, Int8Matrix qkv, Int8Matrix o, float[] crossNorm, Int8Matrix cq,
                         Int8Matrix co, float[] ffNorm, Int8Matrix wi, Int8Matrix wo) {
    }

    private Int8Decoder(T5Config config, Int8Gemm gemm, Layer[] layers, float[] finalNorm, Int8Matrix lmHead) {
        this.config = config;
        this.gemm = gemm;
        this.layers = layers;
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    /** Quantizes the decoder of a model's current (fp32) weights. */
    static Int8Decoder quantize(T5Config config, T5Model.Block[] blocks, NDArray finalNorm, NDArray lmHead,
                                int threads) {
        if (!config.activation().equals("gelu_new") && !config.activation().equals("relu")) {
            throw new UnsupportedModelException("int8 decoding supports the relu and gelu_new activations, not '"
                    + config.activation() + "'; use fp32 weights");
        }
        Layer[] layers = new Layer[blocks.length];
        for (int i = 0; i < blocks.length; i++) {
            T5Model.Block b = blocks[i];
            layers[i] = new Layer(b.selfNorm().toFloatArray(), stacked(b.q(), b.k(), b.v()), of(b.o()),
                    b.crossNorm().toFloatArray(), of(b.cq()), of(b.co()), b.ffNorm().toFloatArray(),
                    b.wi1() != null ? stacked(b.wi0(), b.wi1()) : of(b.wi0()), of(b.wo()));
        }
        long[] s = lmHead.getShape().getShape();
        Int8Matrix head = Int8Matrix.quantize(lmHead.toFloatArray(), (int) s[0], (int) s[1]);
        return new Int8Decoder(config, Int8Gemm.create(threads), layers, finalNorm.toFloatArray(), head);
    }

    private static Int8Matrix of(Linear l) {
        return Int8Matrix.quantize(l.weight().toFloatArray(), (int) l.outFeatures(), (int) l.inFeatures());
    }

    /** The linears' weights stacked by rows (outputs), e.g. q|k|v, quantized row by row as each alone. */
    private static Int8Matrix stacked(Linear... ls) {
        int cols = (int) ls[0].inFeatures();
        int rows = 0;
        for (Linear l : ls) {
            rows += (int) l.outFeatures();
        }
        float[] w = new float[rows * cols];
        int at = 0;
        for (Linear l : ls) {
            float[] part = l.weight().toFloatArray();
            System.arraycopy(part, 0, w, at, part.length);
            at += part.length;
        }
        return Int8Matrix.quantize(w, rows, cols);
    }

    /** Bytes of weights one decode step reads (int8 values and scales). */
    long stepWeightBytes() {
        long n = lmHead.bytes();
        for (Layer l : layers) {
            n += l.qkv().bytes() + l.o().bytes() + l.cq().bytes() + l.co().bytes() + l.wi().bytes() + l.wo().bytes();
        }
        return n;
    }

    String describe() {
        return "int8 weights (per-row scales), " + gemm.describe();
    }

    /** The Java side of a request's cache: fp32 self keys/values, cross keys/values, biases. */
    static final class State {
        final int rows;
        final int maxLength;
        final int sourceLength;
        /** Per layer [N, H, L, dk]. */
        float[][] selfKeys;
        float[][] selfValues;
        /** Per layer [N, H, dk, S] and [N, H, S, dk], as the fp32 cache holds them. */
        final float[][] crossKeys;
        final float[][] crossValues;
        /** [N, S] additive key mask, or null without padding. */
        final float[] crossMask;
        /** [H, L, L]: relative position bias with the causal mask. */
        final float[] selfBias;

        State(T5Config c, DecoderCache cache) {
            int layers = c.numDecoderLayers();
            long[] ks = cache.crossKeys[0].getShape().getShape();
            this.rows = (int) ks[0];
            this.sourceLength = (int) ks[3];
            this.maxLength = cache.maxLength;
            int h = c.numHeads();
            int dk = c.dKv();
            selfKeys = new float[layers][rows * h * maxLength * dk];
            selfValues = new float[layers][rows * h * maxLength * dk];
            crossKeys = new float[layers][];
            crossValues = new float[layers][];
            for (int i = 0; i < layers; i++) {
                crossKeys[i] = cache.crossKeys[i].toFloatArray();
                crossValues[i] = cache.crossValues[i].toFloatArray();
            }
            crossMask = cache.crossMask == null ? null : cache.crossMask.toFloatArray();
            selfBias = cache.selfBias.toFloatArray();
        }

        /** Row {@code i} becomes old row {@code from[i]} (beam search). */
        void reorder(long[] from) {
            for (int l = 0; l < selfKeys.length; l++) {
                selfKeys[l] = permute(selfKeys[l], from);
                selfValues[l] = permute(selfValues[l], from);
            }
        }

        private float[] permute(float[] a, long[] from) {
            int per = a.length / rows;
            float[] out = new float[a.length];
            for (int i = 0; i < from.length; i++) {
                System.arraycopy(a, (int) from[i] * per, out, i * per, per);
            }
            return out;
        }
    }

    /** One position for every row: {@code tokens} [N] → logits [N, V] in {@code tokens}' manager. */
    NDArray step(NDArray tokens, NDArray shared, DecoderCache cache) {
        State s = cache.int8;
        int n = s.rows;
        if (tokens.size() != n) {
            throw new IllegalArgumentException("decoder step got " + tokens.size() + " tokens for " + n + " rows");
        }
        int pos = cache.length;
        int d = config.dModel();
        int h = config.numHeads();
        int dk = config.dKv();
        int inner = h * dk;
        int len = s.maxLength;
        int src = s.sourceLength;
        NDManager step = tokens.getManager();
        float[] x = Linear.embed(tokens, shared).toFloatArray();
        float[] normed = new float[n * d];
        float[] qkv = new float[n * 3 * inner];
        float[] att = new float[n * inner];
        float[] proj = new float[n * d];
        float[] cq = new float[n * inner];
        float[] hidden = new float[n * layers[0].wi().rows()];
        float[] act = new float[n * config.dFf()];
        float[] scores = new float[Math.max(len, src)];
        float eps = (float) config.layerNormEpsilon();
        for (int li = 0; li < layers.length; li++) {
            Layer l = layers[li];
            rmsNorm(x, l.selfNorm(), n, d, eps, normed);
            gemm.multiply(l.qkv(), normed, n, qkv);
            float[] keys = s.selfKeys[li];
            float[] values = s.selfValues[li];
            for (int i = 0; i < n; i++) {
                for (int hh = 0; hh < h; hh++) {
                    int cacheAt = ((i * h + hh) * len + pos) * dk;
                    System.arraycopy(qkv, i * 3 * inner + inner + hh * dk, keys, cacheAt, dk);
                    System.arraycopy(qkv, i * 3 * inner + 2 * inner + hh * dk, values, cacheAt, dk);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int hh = 0; hh < h; hh++) {
                    int qAt = i * 3 * inner + hh * dk;
                    int base = (i * h + hh) * len * dk;
                    int biasAt = (hh * len + pos) * len;
                    for (int j = 0; j <= pos; j++) {
                        float dot = 0;
                        int kAt = base + j * dk;
                        for (int t = 0; t < dk; t++) {
                            dot += qkv[qAt + t] * keys[kAt + t];
                        }
                        scores[j] = dot + s.selfBias[biasAt + j];
                    }
                    attend(scores, pos + 1, values, base, dk, att, i * inner + hh * dk);
                }
            }
            gemm.multiply(l.o(), att, n, proj);
            addInto(x, proj, n * d);
            rmsNorm(x, l.crossNorm(), n, d, eps, normed);
            gemm.multiply(l.cq(), normed, n, cq);
            float[] ck = s.crossKeys[li];
            float[] cv = s.crossValues[li];
            for (int i = 0; i < n; i++) {
                for (int hh = 0; hh < h; hh++) {
                    int qAt = i * inner + hh * dk;
                    int kBase = (i * h + hh) * dk * src;
                    java.util.Arrays.fill(scores, 0, src, 0f);
                    for (int t = 0; t < dk; t++) {
                        float qt = cq[qAt + t];
                        int row = kBase + t * src;
                        for (int j = 0; j < src; j++) {
                            scores[j] += qt * ck[row + j];
                        }
                    }
                    if (s.crossMask != null) {
                        for (int j = 0; j < src; j++) {
                            scores[j] += s.crossMask[i * src + j];
                        }
                    }
                    attend(scores, src, cv, (i * h + hh) * src * dk, dk, att, i * inner + hh * dk);
                }
            }
            gemm.multiply(l.co(), att, n, proj);
            addInto(x, proj, n * d);
            rmsNorm(x, l.ffNorm(), n, d, eps, normed);
            gemm.multiply(l.wi(), normed, n, hidden);
            activate(hidden, n, act);
            gemm.multiply(l.wo(), act, n, proj);
            addInto(x, proj, n * d);
        }
        rmsNorm(x, finalNorm, n, d, eps, normed);
        if (config.tieWordEmbeddings()) {
            float scale = (float) Math.pow(d, -0.5);
            for (int k = 0; k < normed.length; k++) {
                normed[k] *= scale;
            }
        }
        float[] logits = new float[n * lmHead.rows()];
        gemm.multiply(lmHead, normed, n, logits);
        cache.length = pos + 1;
        return step.create(logits, new Shape(n, lmHead.rows()));
    }

    /** wi output [N, dff] (or [N, 2·dff] = wi_0|wi_1 when gated) → activation [N, dff]. */
    private void activate(float[] hidden, int n, float[] act) {
        int ff = config.dFf();
        boolean gated = config.gatedActivation();
        boolean relu = config.activation().equals("relu");
        float c = (float) Math.sqrt(2.0 / Math.PI);
        for (int i = 0; i < n; i++) {
            int in = i * (gated ? 2 * ff : ff);
            for (int k = 0; k < ff; k++) {
                float g = hidden[in + k];
                float a = relu ? Math.max(g, 0f)
                        : (float) (0.5 * g * (1 + Math.tanh(c * (g + 0.044715 * g * g * g))));
                act[i * ff + k] = gated ? a * hidden[in + ff + k] : a;
            }
        }
    }

    /** T5's RMS norm per row: {@code x / sqrt(mean(x²) + eps) · w}, accumulated in double. */
    private static void rmsNorm(float[] x, float[] w, int n, int d, float eps, float[] out) {
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                float v = x[i * d + k];
                sq += v * v;
            }
            float inv = (float) (1 / Math.sqrt((float) (sq / d) + eps));
            for (int k = 0; k < d; k++) {
                out[i * d + k] = x[i * d + k] * inv * w[k];
            }
        }
    }

    /**
     * Softmax of {@code scores[0..len)} in place, then {@code out[outAt..+dk) = Σ_j p_j · values[base + j·dk ..+dk)}
     * (one head's attention output; masked keys have p = 0 and are skipped).
     */
    private static void attend(float[] scores, int len, float[] values, int base, int dk, float[] out, int outAt) {
        softmax(scores, len);
        java.util.Arrays.fill(out, outAt, outAt + dk, 0f);
        for (int j = 0; j < len; j++) {
            float p = scores[j];
            if (p == 0) {
                continue;
            }
            int vAt = base + j * dk;
            for (int t = 0; t < dk; t++) {
                out[outAt + t] += p * values[vAt + t];
            }
        }
    }

    private static void softmax(float[] a, int len) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < len; j++) {
            max = Math.max(max, a[j]);
        }
        double sum = 0;
        for (int j = 0; j < len; j++) {
            float e = (float) Math.exp(a[j] - max);
            a[j] = e;
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < len; j++) {
            a[j] *= inv;
        }
    }

    private static void addInto(float[] x, float[] y, int len) {
        for (int k = 0; k < len; k++) {
            x[k] += y[k];
        }
    }

    @Override
    public void close() {
        gemm.close();
    }
}
