package dev.ragtune.model.t5;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code T5ForConditionalGeneration} as DJL NDArray ops (PyTorch engine): T5 v1.1 / FLAN-T5 and original T5.
 *
 * <p>Weights live in a long-lived manager owned by the model; every activation is attached to the manager of the
 * input ids, so callers run each request in a child scope ({@code model.manager().newSubManager()}) and close it
 * afterwards. The same ops run under DJL's {@code GradientCollector} for training (dropout is not applied: this
 * is eval-mode T5). Sharp edges: attention scores are NOT scaled by 1/sqrt(d) (T5 folds that into init); masked
 * positions use {@code -Float.MAX_VALUE} exactly like HF, so a query row whose keys are all masked attends uniformly.
 */
public final class T5Model implements AutoCloseable {
    static final float MASK_VALUE = -Float.MAX_VALUE;

    private final T5Config config;
    private final NDManager manager;
    private final NDArray shared;
    private final NDArray lmHead;
    private final NDArray encoderRelativeBias;
    private final NDArray decoderRelativeBias;
    private final Block[] encoderBlocks;
    private final Block[] decoderBlocks;
    private final NDArray encoderFinalNorm;
    private final NDArray decoderFinalNorm;
    private final Map<String, Linear> linears;
    /** bf16 autocast of the teacher-forced forward (training); null: fp32. */
    private volatile Bf16Autocast autocast;
    private final Path source;
    /** Lazily built concatenated decoder weights; guarded by {@code this}. */
    private FusedDecoderWeights fused;
    private final InferenceConstants constants;
    /** The int8 decoder when {@link #useInt8Decoder(int)} was called; guarded by {@code this}. */
    private Int8Decoder int8;

    /** One T5 block: self-attention, cross-attention (decoder only), feed-forward, each with its RMS norm. */
    record Block(Linear q, Linear k, Linear v, Linear o, NDArray selfNorm,
                 Linear cq, Linear ck, Linear cv, Linear co, NDArray crossNorm,
                 Linear wi0, Linear wi1, Linear wo, NDArray ffNorm) {
    }

    private T5Model(T5Config config, NDManager manager, WeightSource weights, Path source) {
        this.config = config;
        this.manager = manager;
        this.constants = InferenceConstants.create(manager, (float) config.layerNormEpsilon());
        this.source = source;
        int d = config.dModel();
        int inner = config.innerDim();
        this.linears = new LinkedHashMap<>();
        this.shared = weights.get("shared.weight", config.vocabSize(), d);
        this.lmHead = config.tieWordEmbeddings() ? shared : weights.get("lm_head.weight", config.vocabSize(), d);
        this.encoderRelativeBias = weights.get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                config.relativeAttentionNumBuckets(), config.numHeads());
        this.decoderRelativeBias = weights.get("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                config.relativeAttentionNumBuckets(), config.numHeads());
        this.encoderBlocks = new Block[config.numLayers()];
        for (int i = 0; i < encoderBlocks.length; i++) {
            String p = "encoder.block." + i + ".layer.";
            String att = p + "0.SelfAttention.";
            String ff = p + "1.DenseReluDense.";
            encoderBlocks[i] = new Block(linear(weights, att + "q", inner, d), linear(weights, att + "k", inner, d),
                    linear(weights, att + "v", inner, d), linear(weights, att + "o", d, inner),
                    weights.get(p + "0.layer_norm.weight", d), null, null, null, null, null,
                    linear(weights, ff + (config.gatedActivation() ? "wi_0" : "wi"), config.dFf(), d),
                    config.gatedActivation() ? linear(weights, ff + "wi_1", config.dFf(), d) : null,
                    linear(weights, ff + "wo", d, config.dFf()), weights.get(p + "1.layer_norm.weight", d));
        }
        this.decoderBlocks = new Block[config.numDecoderLayers()];
        for (int i = 0; i < decoderBlocks.length; i++) {
            String p = "decoder.block." + i + ".layer.";
            String att = p + "0.SelfAttention.";
            String cross = p + "1.EncDecAttention.";
            String ff = p + "2.DenseReluDense.";
            decoderBlocks[i] = new Block(linear(weights, att + "q", inner, d), linear(weights, att + "k", inner, d),
                    linear(weights, att + "v", inner, d), linear(weights, att + "o", d, inner),
                    weights.get(p + "0.layer_norm.weight", d),
                    linear(weights, cross + "q", inner, d), linear(weights, cross + "k", inner, d),
                    linear(weights, cross + "v", inner, d), linear(weights, cross + "o", d, inner),
                    weights.get(p + "1.layer_norm.weight", d),
                    linear(weights, ff + (config.gatedActivation() ? "wi_0" : "wi"), config.dFf(), d),
                    config.gatedActivation() ? linear(weights, ff + "wi_1", config.dFf(), d) : null,
                    linear(weights, ff + "wo", d, config.dFf()), weights.get(p + "2.layer_norm.weight", d));
        }
        this.encoderFinalNorm = weights.get("encoder.final_layer_norm.weight", d);
        this.decoderFinalNorm = weights.get("decoder.final_layer_norm.weight", d);
    }

    private Linear linear(WeightSource weights, String name, int out, int in) {
        Linear l = new Linear(name, weights.get(name + ".weight", out, in));
        linears.put(name, l);
        return l;
    }

    /** Where weights come from: a checkpoint or a random initialiser. */
    private interface WeightSource {
        NDArray get(String name, long... shape);
    }

    /**
     * Loads a Hugging Face T5 folder: {@code config.json} plus {@code model.safetensors} or a sharded
     * {@code model.safetensors.index.json}; F32/F16/BF16 weights become fp32 on {@code device}.
     * {@code encoder.embed_tokens.weight} / {@code decoder.embed_tokens.weight} are accepted as aliases of
     * {@code shared.weight}.
     *
     * @throws UnsupportedModelException for unsupported architectures, missing or mis-shaped tensors
     */
    public static T5Model load(Path dir, Device device) {
        T5Config config = T5Config.read(dir.resolve("config.json"));
        SafetensorsReader reader;
        try {
            reader = SafetensorsReader.open(dir);
        } catch (RuntimeException e) {
            throw new UnsupportedModelException("Cannot open weights of " + dir + ": " + e.getMessage(), e);
        }
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            WeightSource weights = (name, shape) -> {
                String actual = name;
                if (!reader.contains(name) && name.equals("shared.weight")) {
                    actual = reader.contains("encoder.embed_tokens.weight") ? "encoder.embed_tokens.weight"
                            : "decoder.embed_tokens.weight";
                }
                if (!reader.contains(actual)) {
                    throw new UnsupportedModelException("Tensor '" + name + "' (shape " + Arrays.toString(shape)
                            + ") is missing from " + reader.source());
                }
                TensorInfo info = reader.info(actual);
                if (!Arrays.equals(info.shape(), shape)) {
                    throw new UnsupportedModelException("Tensor '" + actual + "' in " + reader.source() + " has shape "
                            + Arrays.toString(info.shape()) + " but config.json requires " + Arrays.toString(shape));
                }
                NDArray a = reader.load(manager, actual);
                if (a.getDataType() != DataType.FLOAT32) {
                    throw new UnsupportedModelException("Tensor '" + actual + "' in " + reader.source()
                            + " has dtype " + info.dtype() + "; expected a floating type");
                }
                return a;
            };
            return new T5Model(config, manager, weights, dir);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * A model with random weights (normal, std 0.05; norms 1) in the given shape, for benchmarks and tests.
     */
    public static T5Model random(T5Config config, Device device, long seed) {
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            Engine.getEngine("PyTorch").setRandomSeed((int) seed);
            WeightSource weights = (name, shape) -> name.endsWith("layer_norm.weight")
                    ? manager.ones(new Shape(shape))
                    : manager.randomNormal(0f, 0.05f, new Shape(shape), DataType.FLOAT32);
            return new T5Model(config, manager, weights, null);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * Picks a device by name: {@code cpu}, or {@code gpu} only if DJL's PyTorch engine reports one.
     *
     * @throws IllegalArgumentException naming the choice and why it is unavailable
     */
    public static Device device(String name) {
        switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                int n = Engine.getEngine("PyTorch").getGpuCount();
                if (n <= 0) {
                    throw new IllegalArgumentException("--device gpu requested but DJL's PyTorch engine reports no GPU"
                            + " (the bundled native library is the CPU build); use --device cpu");
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException("Unknown device '" + name + "'; use cpu or gpu");
        }
    }

    public T5Config config() {
        return config;
    }

    /** The long-lived manager holding the weights; open request scopes with {@code newSubManager()}. */
    public NDManager manager() {
        return manager;
    }

    /** The folder the model was loaded from, or null for random weights. */
    public Path source() {
        return source;
    }

    /** All linear layers by HF module name (e.g. {@code decoder.block.3.layer.1.EncDecAttention.v}). */
    public Map<String, Linear> linears() {
        return Collections.unmodifiableMap(linears);
    }

    /** The linear layer with that HF module name; fails listing an example of valid names. */
    public Linear linear(String name) {
        Linear l = linears.get(name);
        if (l == null) {
            throw new IllegalArgumentException("No linear layer named '" + name
                    + "'; names look like encoder.block.0.layer.0.SelfAttention.q");
        }
        return l;
    }

    /** Attaches (or with null removes) an adapter on the named linear layer. */
    public void setAdapter(String linearName, LinearAdapter adapter) {
        linear(linearName).setAdapter(adapter);
    }

    /** Shared input embedding [V, d]. */
    /**
     * Runs the teacher-forced forward ({@link #forward}, {@link #loss}) autocast-style in bf16 until set back to
     * {@code null}; the decoding paths stay fp32. The caller owns {@code autocast} and closes it after unsetting.
     */
    public void useAutocast(Bf16Autocast autocast) {
        this.autocast = autocast;
    }

    public NDArray sharedEmbedding() {
        return shared;
    }

    /** The language-model head [V, d] (the shared embedding when tied; then scaled by d^-0.5 on the input side). */
    public NDArray lmHeadWeight() {
        return lmHead;
    }

    // ---------------------------------------------------------------- building blocks

    NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.mul(variance.add((float) config.layerNormEpsilon()).pow(scalar(x, -0.5f))).mul(weight);
    }

    /**
     * {@link #rmsNorm(NDArray, NDArray)} for decoding: constants created once, in-place ops on its own temporaries
     * (inference only: autograd must not see them).
     */
    private static NDArray rmsNorm(NDArray x, NDArray weight, InferenceConstants c) {
        return rmsScaled(x, c).muli(weight);
    }

    /** {@code x / sqrt(mean(x²) + eps)}: RMS norm without its weight, which the fused weights carry folded in. */
    private static NDArray rmsScaled(NDArray x, InferenceConstants c) {
        return x.mul(x.square().mean(new int[] {-1}, true).addi(c.epsilon()).powi(c.negativeHalf()));
    }

    /** {@code x + input · Wᵀ (+ adapter)}: one fused GEMM ({@code addmm}) when the linear carries no adapter. */
    private static NDArray addLinear(NDArray x, Linear linear, NDArray input) {
        if (linear.adapter() != null) {
            return x.add(linear.forward(input));
        }
        return input.getNDArrayInternal().linear(input, linear.weight(), x).singletonOrThrow();
    }

    /**
     * A scalar operand in {@code like}'s manager, in memory PyTorch owns ({@code torch.full}). Under autograd,
     * mul/div/pow save their scalar operand for backward. DJL's {@code Number} overloads and
     * {@code manager.create(float)} make it from a Java buffer that is released when its NDArray is closed (at
     * once for the overloads, at the end of a block scope otherwise), so backward would read freed memory: random
     * LoRA gradients and NaN. A torch-owned scalar stays alive through autograd's own reference.
     */
    static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, DataType.FLOAT32);
    }

    private NDArray activation(NDArray x) {
        switch (config.activation()) {
            case "relu":
                return x.getNDArrayInternal().relu();
            case "gelu":
                return x.getNDArrayInternal().gelu();
            default: {
                // gelu_new: 0.5 x (1 + tanh(z)) with z = sqrt(2/pi) (x + 0.044715 x^3); 0.5 (1 + tanh z) = sigmoid(2z)
                float twoC = (float) (2 * Math.sqrt(2.0 / Math.PI));
                NDArray twoZ = x.square().mul(scalar(x, twoC * 0.044715f)).add(twoC).mul(x);
                return x.mul(twoZ.getNDArrayInternal().sigmoid());
            }
        }
    }

    private NDArray feedForward(Block b, NDArray x, Bf16Autocast ac) {
        NDArray h = rmsNorm(x, b.ffNorm());
        if (ac != null) {
            h = ac.bf16(h);
        }
        NDArray act = activation(b.wi0().forward(h, ac));
        if (b.wi1() != null) {
            act = act.mul(b.wi1().forward(h, ac));
        }
        return x.add(b.wo().forward(act, ac));
    }

    /**
     * {@link #feedForward(Block, NDArray)} for decoding, on [N, d] rows: wi_0|wi_1 (with the norm weight folded in)
     * in one GEMM when layer {@code i} has them fused and neither carries an adapter, gelu_new with its constants
     * created once, the residual added by the wo GEMM itself.
     */
    private NDArray feedForward(Block b, int i, NDArray x, FusedDecoderWeights fw) {
        InferenceConstants c = constants;
        NDArray act;
        if (fw.gatedWi[i] != null && b.wi0().adapter() == null && b.wi1().adapter() == null) {
            NDArray r = rmsScaled(x, c);
            NDList gates = r.getNDArrayInternal().linear(r, fw.gatedWi[i], null).singletonOrThrow().split(2, 1);
            act = activation(gates.get(0), c).muli(gates.get(1));
        } else {
            NDArray h = rmsNorm(x, b.ffNorm(), c);
            act = activation(b.wi0().forward(h), c);
            if (b.wi1() != null) {
                act = act.muli(b.wi1().forward(h));
            }
        }
        return addLinear(x, b.wo(), act);
    }

    /** The activation into a new array; gelu_new as {@code x·sigmoid(2z)} with in-place steps on temporaries. */
    private NDArray activation(NDArray x, InferenceConstants c) {
        if (!config.activation().equals("gelu_new")) {
            return activation(x);
        }
        NDArray twoZ = x.square().muli(c.geluCubic()).addi(c.geluLinear()).muli(x);
        return twoZ.getNDArrayInternal().sigmoid().muli(x);
    }

    /** [B, L, H*dk] -> [B, H, L, dk]. */
    private NDArray splitHeads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.numHeads(), config.dKv()).transpose(0, 2, 1, 3);
    }

    /** [B, H, L, dk] -> [B, L, H*dk]. */
    private NDArray mergeHeads(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), (long) config.innerDim());
    }

    /** Attention; under autocast q, k, v and the probabilities enter the matmuls in bf16, softmax runs in fp32. */
    private static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias, Bf16Autocast ac) {
        if (ac == null) {
            return attend(q, k, v, bias);
        }
        NDArray scores = ac.fp32(ac.bf16(q).matMul(ac.bf16(k).transpose(0, 1, 3, 2)));
        if (bias != null) {
            scores = scores.add(bias);
        }
        return ac.bf16(scores.softmax(-1)).matMul(ac.bf16(v));
    }

    private static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray bias) {
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(v);
    }

    /**
     * Relative position bias [1, H, qLen, kLen] for queries starting at {@code queryOffset}, in {@code scope}.
     */
    public NDArray positionBias(NDManager scope, boolean bidirectional, int qLen, int kLen, int queryOffset) {
        long[] buckets = RelativePosition.buckets(qLen, kLen, queryOffset, bidirectional,
                config.relativeAttentionNumBuckets(), config.relativeAttentionMaxDistance());
        NDArray idx = scope.create(buckets, new Shape(qLen, kLen));
        NDArray table = bidirectional ? encoderRelativeBias : decoderRelativeBias;
        return Linear.embed(idx, table).transpose(2, 0, 1).expandDims(0);
    }

    /** Additive mask [B, 1, 1, S]: 0 where mask is 1, -FLT_MAX where 0. */
    private static NDArray keyMask(NDArray attentionMask) {
        NDArray m = attentionMask.toType(DataType.FLOAT32, false);
        return m.neg().add(1f).mul(MASK_VALUE).expandDims(1).expandDims(1);
    }

    // ---------------------------------------------------------------- encoder

    /** Encodes source ids [B, S] with mask [B, S] (1 = token). */
    public EncoderOutput encode(NDArray inputIds, NDArray attentionMask) {
        return encode(inputIds, attentionMask, false);
    }

    /**
     * {@link #encode(NDArray, NDArray)} for inference only (never under a GradientCollector): rows flattened to
     * [B·S, d] so residuals are added inside the o and wo GEMMs (addmm), RMS norm and gelu_new on in-place
     * temporaries. Equal to {@code encode} up to float rounding; adapters are applied as in {@code encode}.
     */
    public EncoderOutput encodeForInference(NDArray inputIds, NDArray attentionMask) {
        checkIds(inputIds, "input_ids");
        long batch = inputIds.getShape().get(0);
        int s = (int) inputIds.getShape().get(1);
        if (attentionMask == null) {
            attentionMask = inputIds.onesLike();
        }
        InferenceConstants c = constants;
        int h = config.numHeads();
        int dk = config.dKv();
        long rows = batch * s;
        NDManager outer = inputIds.getManager();
        // everything but the result and its position bias lives in a working scope: layer outputs are closed as the
        // next layer is done, the masked bias at the end
        try (NDManager work = outer.newSubManager()) {
            inputIds.tempAttach(work);
            attentionMask.tempAttach(work);
            NDArray bias = positionBias(work, true, s, s, 0);
            NDArray maskedBias = bias.add(keyMask(attentionMask));
            NDArray x = Linear.embed(inputIds, shared).reshape(rows, config.dModel());
            for (Block b : encoderBlocks) {
                NDArray in = x;
                try (NDManager blockScope = work.newSubManager()) {
                    in.tempAttach(blockScope);
                    NDArray normed = rmsNorm(in, b.selfNorm(), c);
                    NDArray q = b.q().forward(normed).reshape(batch, s, h, dk).transpose(0, 2, 1, 3);
                    NDArray k = b.k().forward(normed).reshape(batch, s, h, dk).transpose(0, 2, 3, 1);
                    NDArray v = b.v().forward(normed).reshape(batch, s, h, dk).transpose(0, 2, 1, 3);
                    NDArray att = q.matMul(k).addi(maskedBias).softmax(-1).matMul(v).transpose(0, 2, 1, 3)
                            .reshape(rows, (long) h * dk);
                    NDArray y = addLinear(in, b.o(), att);
                    NDArray hh = rmsNorm(y, b.ffNorm(), c);
                    NDArray act = activation(b.wi0().forward(hh), c);
                    if (b.wi1() != null) {
                        act = act.muli(b.wi1().forward(hh));
                    }
                    x = addLinear(y, b.wo(), act);
                    x.attach(work);
                }
                in.close();
            }
            x = rmsNorm(x, encoderFinalNorm, c).reshape(batch, s, config.dModel());
            x.attach(outer);
            bias.attach(outer);
            return new EncoderOutput(x, attentionMask, List.of(), bias);
        }
    }

    /** Encodes; with {@code keepHiddenStates} the HF {@code output_hidden_states} tuple is returned too. */
    public EncoderOutput encode(NDArray inputIds, NDArray attentionMask, boolean keepHiddenStates) {
        checkIds(inputIds, "input_ids");
        int s = (int) inputIds.getShape().get(1);
        if (attentionMask == null) {
            attentionMask = inputIds.onesLike();
        }
        Bf16Autocast ac = autocast;
        NDArray x = Linear.embed(inputIds, shared);
        List<NDArray> hidden = new ArrayList<>();
        NDArray bias = positionBias(inputIds.getManager(), true, s, s, 0);
        NDArray maskedBias = bias.add(keyMask(attentionMask));
        NDManager outer = inputIds.getManager();
        for (Block b : encoderBlocks) {
            if (keepHiddenStates) {
                hidden.add(x);
            }
            // per-block scope: the block's intermediates are freed as soon as it is done (autograd keeps what it
            // saved for backward through its own references, so this is safe under a GradientCollector too)
            try (NDManager blockScope = outer.newSubManager()) {
                NDArray in = x;
                in.tempAttach(blockScope);
                NDArray h = bf16(rmsNorm(in, b.selfNorm()), ac);
                NDArray att = attend(splitHeads(b.q().forward(h, ac)), splitHeads(b.k().forward(h, ac)),
                        splitHeads(b.v().forward(h, ac)), maskedBias, ac);
                NDArray out = feedForward(b, in.add(b.o().forward(mergeHeads(att), ac)), ac);
                out.attach(outer);
                x = out;
            }
        }
        x = rmsNorm(x, encoderFinalNorm);
        if (keepHiddenStates) {
            hidden.add(x);
        }
        return new EncoderOutput(x, attentionMask, hidden, bias);
    }

    // ---------------------------------------------------------------- decoder, full sequence

    /**
     * Teacher-forced forward: encoder on {@code inputIds}, decoder on {@code decoderInputIds} (causal, no decoder
     * padding mask — HF's default when only labels are given).
     */
    public T5Output forward(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds) {
        return forward(inputIds, attentionMask, decoderInputIds, false);
    }

    /** As {@link #forward(NDArray, NDArray, NDArray)}, optionally keeping all hidden states. */
    public T5Output forward(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds,
                            boolean keepHiddenStates) {
        EncoderOutput enc = encode(inputIds, attentionMask, keepHiddenStates);
        return decode(enc, decoderInputIds, keepHiddenStates);
    }

    /** Decoder over a whole target prefix given an encoder output. */
    public T5Output decode(EncoderOutput enc, NDArray decoderInputIds, boolean keepHiddenStates) {
        checkIds(decoderInputIds, "decoder_input_ids");
        NDManager scope = decoderInputIds.getManager();
        int t = (int) decoderInputIds.getShape().get(1);
        NDArray bias = positionBias(scope, false, t, t, 0);
        NDArray selfBias = withCausalMask(bias, t);
        NDArray crossMask = keyMask(enc.attentionMask());
        Bf16Autocast ac = autocast;
        NDArray x = Linear.embed(decoderInputIds, shared);
        List<NDArray> hidden = new ArrayList<>();
        NDArray encHiddenIn = ac == null ? enc.lastHiddenState() : ac.bf16(enc.lastHiddenState());
        for (Block b : decoderBlocks) {
            if (keepHiddenStates) {
                hidden.add(x);
            }
            try (NDManager blockScope = scope.newSubManager()) {
                NDArray in = x;
                in.tempAttach(blockScope);
                NDArray h = bf16(rmsNorm(in, b.selfNorm()), ac);
                NDArray att = attend(splitHeads(b.q().forward(h, ac)), splitHeads(b.k().forward(h, ac)),
                        splitHeads(b.v().forward(h, ac)), selfBias, ac);
                NDArray y = in.add(b.o().forward(mergeHeads(att), ac));
                h = bf16(rmsNorm(y, b.crossNorm()), ac);
                NDArray encHidden = encHiddenIn;
                encHidden.tempAttach(blockScope);
                NDArray cross = attend(splitHeads(b.cq().forward(h, ac)), splitHeads(b.ck().forward(encHidden, ac)),
                        splitHeads(b.cv().forward(encHidden, ac)), crossMask, ac);
                NDArray out = feedForward(b, y.add(b.co().forward(mergeHeads(cross), ac)), ac);
                out.attach(scope);
                x = out;
            }
        }
        x = rmsNorm(x, decoderFinalNorm);
        if (keepHiddenStates) {
            hidden.add(x);
        }
        return new T5Output(lmLogits(x, ac), enc, hidden, bias);
    }

    /** LM head; under autocast a bf16 GEMM whose logits come back in fp32 for the (fp32) log-softmax. */
    private NDArray lmLogits(NDArray x, Bf16Autocast ac) {
        if (config.tieWordEmbeddings()) {
            x = x.mul(scalar(x, (float) Math.pow(config.dModel(), -0.5)));
        }
        if (ac != null) {
            NDArray xb = ac.bf16(x);
            return ac.fp32(xb.getNDArrayInternal().linear(xb, ac.frozenWeight(lmHead), null).singletonOrThrow());
        }
        return x.getNDArrayInternal().linear(x, lmHead, null).singletonOrThrow();
    }

    private static NDArray bf16(NDArray x, Bf16Autocast ac) {
        return ac == null ? x : ac.bf16(x);
    }

    // ---------------------------------------------------------------- loss

    /**
     * Mean cross-entropy of {@code logits} [B, T, V] against {@code labels} [B, T]; positions labelled -100 are
     * ignored (HF {@code CrossEntropyLoss(ignore_index=-100)}). Returns a scalar.
     */
    public static NDArray loss(NDArray logits, NDArray labels) {
        NDArray valid = labels.neq(-100);
        NDArray safe = labels.mul(valid.toType(DataType.INT64, false));
        NDArray logProbs = logits.logSoftmax(-1);
        NDArray picked = logProbs.gather(safe.expandDims(-1), -1).squeeze(-1);
        NDArray weight = valid.toType(DataType.FLOAT32, false);
        return picked.mul(weight).sum().neg().div(weight.sum());
    }

    /** Teacher-forced loss: decoder inputs are {@code labels} shifted right (HF semantics). */
    public NDArray loss(NDArray inputIds, NDArray attentionMask, NDArray labels) {
        return loss(forward(inputIds, attentionMask, shiftRight(labels)).logits(), labels);
    }

    /** {@code decoder_input_ids}: labels shifted right, decoder_start first, -100 replaced by pad. */
    public NDArray shiftRight(NDArray labels) {
        checkIds(labels, "labels");
        int b = (int) labels.getShape().get(0);
        int t = (int) labels.getShape().get(1);
        long[] src = labels.toLongArray();
        long[] out = new long[src.length];
        for (int i = 0; i < b; i++) {
            out[i * t] = config.decoderStartTokenId();
            for (int j = 1; j < t; j++) {
                long v = src[i * t + j - 1];
                out[i * t + j] = v == -100 ? config.padTokenId() : v;
            }
        }
        return labels.getManager().create(out, new Shape(b, t));
    }

    // ---------------------------------------------------------------- incremental decoding

    /**
     * Starts an incremental decode: computes cross-attention keys/values of {@code encoderHidden} once per layer.
     * {@code rows} may repeat encoder rows (beam search): row {@code i} uses encoder row {@code rows[i]}.
     * Decoding takes the fused path ({@link FusedDecoderWeights}): concatenated q|k|v and wi_0|wi_1 weights, one
     * GEMM for all cross keys/values, layer by layer falling back to the plain linears wherever an adapter is
     * attached; on the golden model it matches the plain path to float rounding.
     *
     * @param maxLength maximum decoder positions, start token included
     */
    public DecoderCache startDecoding(EncoderOutput enc, NDArray rows, int maxLength) {
        return startDecoding(enc, rows, maxLength, true);
    }

    /** As {@link #startDecoding(EncoderOutput, NDArray, int)}; {@code fuse} false takes the plain per-linear path. */
    DecoderCache startDecoding(EncoderOutput enc, NDArray rows, int maxLength, boolean fuse) {
        NDManager scope = enc.lastHiddenState().getManager();
        FusedDecoderWeights weights = fuse ? fusedDecoderWeights() : null;
        boolean crossAdapters = false;
        for (Block b : decoderBlocks) {
            crossAdapters |= b.ck().adapter() != null || b.cv().adapter() != null;
        }
        // intermediates (selected rows, bucket ids, the unmasked bias, projections and their strided views) live in
        // a temporary scope: only the masks, the masked bias and the row-major cross keys/values stay with the cache
        try (NDManager temp = scope.newSubManager()) {
            NDArray hidden = enc.lastHiddenState();
            NDArray mask = enc.attentionMask();
            hidden.tempAttach(temp); // what is computed from them lands in temp; they return to scope afterwards
            mask.tempAttach(temp);
            if (rows != null) {
                hidden = hidden.get(rows);
                mask = mask.get(rows);
            }
            boolean padded = mask.toType(DataType.INT64, false).min().getLong() == 0;
            NDArray crossMask = padded ? keyMask(mask) : null;
            if (crossMask != null) {
                crossMask.attach(scope);
            }
            NDArray selfBias = withCausalMask(positionBias(temp, false, maxLength, maxLength, 0), maxLength);
            selfBias.attach(scope);
            DecoderCache cache = new DecoderCache(scope, config, hidden.getShape().get(0), crossMask, selfBias,
                    maxLength, weights);
            fillCrossAttention(cache, hidden, weights, crossAdapters, scope);
            Int8Decoder q = int8Decoder();
            if (q != null && !decoderHasAdapters()) {
                cache.int8 = new Int8Decoder.State(config, cache);
            }
            return cache;
        }
    }

    private void fillCrossAttention(DecoderCache cache, NDArray hidden, FusedDecoderWeights weights,
                                    boolean crossAdapters, NDManager scope) {
        if (weights != null && !crossAdapters) {
            // one GEMM for all layers: [N, S, L·2·inner] → per layer views [N, S, H, dk], same strides as below
            Shape s = hidden.getShape();
            NDArray all = hidden.getNDArrayInternal().linear(hidden, weights.crossKv, null).singletonOrThrow();
            NDList parts = all.reshape(s.get(0), s.get(1), 2L * decoderBlocks.length, config.numHeads(),
                    config.dKv()).split(2L * decoderBlocks.length, 2);
            for (int i = 0; i < decoderBlocks.length; i++) {
                cache.crossKeys[i] = contiguous(parts.get(2 * i).squeeze(2).transpose(0, 2, 3, 1), scope);
                cache.crossValues[i] = contiguous(parts.get(2 * i + 1).squeeze(2).transpose(0, 2, 1, 3), scope);
            }
            return;
        }
        for (int i = 0; i < decoderBlocks.length; i++) {
            Block b = decoderBlocks[i];
            cache.crossKeys[i] = contiguous(splitHeads(b.ck().forward(hidden)).transpose(0, 1, 3, 2), scope);
            cache.crossValues[i] = contiguous(splitHeads(b.cv().forward(hidden)), scope);
        }
    }

    private boolean decoderHasAdapters() {
        for (Block b : decoderBlocks) {
            for (Linear l : new Linear[] {b.q(), b.k(), b.v(), b.o(), b.cq(), b.ck(), b.cv(), b.co(), b.wi0(),
                    b.wi1(), b.wo()}) {
                if (l != null && l.adapter() != null) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Opt-in int8 weights for decoding (dynamic quantization): the decoder's per-token linears and the lm_head are
     * quantized per row to int8 and every later {@link #decodeStep} runs in Java on them (fp32 activations), on
     * {@code threads} threads. The fp32 weights stay for the encoder, the cross keys/values, training and merging;
     * a request with a LoRA adapter on a decoder linear decodes in fp32. Calling it again is a no-op.
     */
    public synchronized void useInt8Decoder(int threads) {
        if (int8 == null) {
            int8 = Int8Decoder.quantize(config, decoderBlocks, decoderFinalNorm, lmHead, threads);
        }
    }

    private synchronized Int8Decoder int8Decoder() {
        return int8;
    }

    /** Whether decoding uses int8 weights ({@link #useInt8Decoder}). */
    public boolean usesInt8Decoder() {
        return int8Decoder() != null;
    }

    /**
     * Bytes of weights one batch-1 decode step reads (its floor at a memory bandwidth): the int8 matrices when
     * {@link #useInt8Decoder} is on, else the fp32 decoder linears (cross k/v excluded: once per request) and lm_head.
     */
    public long decodeStepWeightBytes() {
        Int8Decoder q = int8Decoder();
        if (q != null) {
            return q.stepWeightBytes();
        }
        long n = lmHead.size();
        for (Block b : decoderBlocks) {
            for (Linear l : new Linear[] {b.q(), b.k(), b.v(), b.o(), b.cq(), b.co(), b.wi0(), b.wi1(), b.wo()}) {
                if (l != null) {
                    n += l.weight().size();
                }
            }
        }
        return 4 * n;
    }

    /** How decoding runs, for reports: fp32 (PyTorch) or int8 with its kernel. */
    public String decodeDescription() {
        Int8Decoder q = int8Decoder();
        return q == null ? "fp32 weights (PyTorch)" : q.describe();
    }

    /**
     * A decoder self-attention bias [1, H, L, L] plus {@link #MASK_VALUE} where the key comes after the query. A
     * decoder cache uses it to attend over its whole preallocated key buffer (unwritten positions hold zeros and get
     * exactly zero weight) instead of growing the buffer by concatenation.
     */
    private static NDArray withCausalMask(NDArray bias, int length) {
        float[] causal = new float[length * length];
        for (int q = 0; q < length; q++) {
            Arrays.fill(causal, q * length + q + 1, (q + 1) * length, MASK_VALUE);
        }
        return bias.add(bias.getManager().create(causal, new Shape(1, 1, length, length)));
    }

    /**
     * A row-major copy with the same shape, attached to {@code owner}. Attention reads the cross keys/values every
     * step; as strided views of the projection, batched matmul copies them into this layout on each step (≈ 50 MB per
     * step at batch 8).
     */
    private static NDArray contiguous(NDArray view, NDManager owner) {
        NDArray copy = view.flatten().reshape(view.getShape());
        copy.attach(owner);
        return copy;
    }

    /** The fused decoder weights, (re)built when missing or when a source weight was replaced. */
    private synchronized FusedDecoderWeights fusedDecoderWeights() {
        if (fused == null || !fused.isCurrent(decoderBlocks)) {
            if (fused != null) {
                fused.close();
            }
            fused = FusedDecoderWeights.build(manager, decoderBlocks);
        }
        return fused;
    }

    /**
     * Decodes one position for every row: {@code tokens} [N] (the last token of each row) → logits [N, V].
     * Writes this position's self-attention key/value into the cache's buffers (in place). Intermediates and the
     * returned logits live in {@code tokens}' manager, so a per-step child scope of the cache's manager keeps
     * memory flat.
     */
    public NDArray decodeStep(NDArray tokens, DecoderCache cache) {
        int pos = cache.length;
        if (pos >= cache.maxLength) {
            throw new IllegalStateException("Decoder cache is full (" + cache.maxLength + " positions)");
        }
        if (cache.int8 != null) {
            return int8Decoder().step(tokens, shared, cache);
        }
        NDManager step = tokens.getManager();
        long n = tokens.size();
        int h = config.numHeads();
        int dk = config.dKv();
        NDArray x = Linear.embed(tokens, shared); // [N, d]: one position per row, kept 2-D for addmm residuals
        NDArray bias = cache.selfBias.get(step, NDIndex.sliceAxis(2, pos, pos + 1));
        FusedDecoderWeights fw = cache.fused;
        long inner = (long) h * dk;
        for (int i = 0; i < decoderBlocks.length; i++) {
            Block b = decoderBlocks[i];
            NDArray q;
            NDArray kT;
            NDArray v;
            if (fw != null && b.q().adapter() == null && b.k().adapter() == null && b.v().adapter() == null) {
                // one GEMM with the norm weight folded in; [N, 3·H·dk] is [N, 3H, 1, dk], a key row its own transpose
                NDArray r = rmsScaled(x, constants);
                NDList qkv = r.getNDArrayInternal().linear(r, fw.selfQkv[i], null).singletonOrThrow()
                        .reshape(n, 3L * h, 1, dk).split(3, 1);
                q = qkv.get(0);
                kT = qkv.get(1).reshape(n, h, dk, 1);
                v = qkv.get(2);
            } else {
                NDArray normed = fw == null ? rmsNorm(x, b.selfNorm()) : rmsNorm(x, b.selfNorm(), constants);
                q = b.q().forward(normed).reshape(n, h, 1, dk);
                kT = b.k().forward(normed).reshape(n, h, dk, 1);
                v = b.v().forward(normed).reshape(n, h, 1, dk);
            }
            // written in place into the request's full-length buffers; later positions are masked by the bias
            cache.selfKeys[i].set(NDIndex.sliceAxis(3, pos, pos + 1), kT);
            cache.selfValues[i].set(NDIndex.sliceAxis(2, pos, pos + 1), v);
            NDArray att = attendTransposed(q, cache.selfKeys[i], cache.selfValues[i], bias).reshape(n, inner);
            NDArray cq;
            if (fw != null) {
                x = addLinear(x, b.o(), att);
                if (b.cq().adapter() == null) {
                    NDArray r = rmsScaled(x, constants);
                    cq = r.getNDArrayInternal().linear(r, fw.crossQ[i], null).singletonOrThrow();
                } else {
                    cq = b.cq().forward(rmsNorm(x, b.crossNorm(), constants));
                }
            } else {
                x = x.add(b.o().forward(att));
                cq = b.cq().forward(rmsNorm(x, b.crossNorm()));
            }
            NDArray cross = attendTransposed(cq.reshape(n, h, 1, dk), cache.crossKeys[i], cache.crossValues[i],
                    cache.crossMask).reshape(n, inner);
            if (fw != null) {
                x = feedForward(b, i, addLinear(x, b.co(), cross), fw);
            } else {
                x = feedForward(b, x.add(b.co().forward(cross)), null);
            }
        }
        x = fw == null ? rmsNorm(x, decoderFinalNorm) : rmsNorm(x, decoderFinalNorm, constants);
        cache.length = pos + 1;
        if (config.tieWordEmbeddings()) {
            x = x.mul((float) Math.pow(config.dModel(), -0.5));
        }
        // W [V, d] · xᵀ [d, N]: with few rows this BLAS shape streams the 66 MB lm_head ~35% faster than x · Wᵀ at
        // batch 8 (measured). The product is created in the weight's manager, so move it to this step at once.
        NDArray logitsT = lmHead.matMul(x.transpose());
        logitsT.attach(step);
        return logitsT.transpose();
    }

    /** Attention with keys already transposed to [B, H, dk, S]; the result lives in q's manager. */
    private static NDArray attendTransposed(NDArray q, NDArray kT, NDArray v, NDArray bias) {
        NDArray scores = q.matMul(kT);
        if (bias != null) {
            scores = scores.add(bias);
        }
        return scores.softmax(-1).matMul(v);
    }

    private void checkIds(NDArray ids, String what) {
        if (ids.getShape().dimension() != 2) {
            throw new IllegalArgumentException(what + " must be [batch, length], got " + ids.getShape());
        }
        if (ids.getDataType() != DataType.INT64) {
            throw new IllegalArgumentException(what + " must be INT64, got " + ids.getDataType());
        }
    }

    /** Frees all weights. */
    @Override
    public void close() {
        Int8Decoder q = int8Decoder();
        if (q != null) {
            q.close();
        }
        manager.close(); // closes the fused decoder weights too (a child manager)
    }

    /** Convenience for tests/CLI: wraps ids in an NDList-free INT64 array of shape [1, n] in {@code scope}. */
    public static NDArray row(NDManager scope, long[] ids) {
        return scope.create(ids, new Shape(1, ids.length));
    }
}
