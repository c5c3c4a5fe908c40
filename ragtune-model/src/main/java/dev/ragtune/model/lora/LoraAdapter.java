package dev.ragtune.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.io.StagingFiles;
import dev.ragtune.model.t5.Linear;
import dev.ragtune.model.t5.T5Config;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A LoRA adapter attached to a {@link T5Model}: one {@link LoraLayer} per targeted linear layer, base weights frozen
 * (they never get gradients; only A and B do). Parameters live in the adapter's own manager (a child of the model's);
 * {@link #close()} detaches every layer and frees them.
 *
 * <p>Only one adapter may be attached to a model at a time. PEFT key names are
 * {@code base_model.model.<hf module>.lora_A.weight} [r, in] and {@code ...lora_B.weight} [out, r].
 */
public final class LoraAdapter implements AutoCloseable {
    /** Prefix PEFT puts before HF module names in {@code adapter_model.safetensors}. */
    public static final String PEFT_PREFIX = "base_model.model.";
    static final String CONFIG_FILE = "adapter_config.json";
    static final String WEIGHTS_FILE = "adapter_model.safetensors";
    static final String CARD_FILE = "README.md";

    private final T5Model model;
    private final LoraConfig config;
    private final NDManager manager;
    private final Map<String, LoraLayer> layers = new LinkedHashMap<>();
    private volatile boolean training;
    private boolean closed;

    private LoraAdapter(T5Model model, LoraConfig config) {
        this.model = model;
        this.config = config;
        this.manager = model.manager().newSubManager();
    }

    /**
     * Wraps every linear layer that {@code config} targets with a fresh LoRA branch: A Kaiming-uniform
     * (a = √5, i.e. U(−1/√in, 1/√in), as PEFT / {@code nn.Linear}) from a generator seeded with {@code seed}, B zero,
     * so the adapted model starts equal to the base model.
     *
     * @throws AdapterException if no module matches (listing the available names) or one already has an adapter
     */
    public static LoraAdapter create(T5Model model, LoraConfig config, long seed) {
        List<Linear> targets = targets(model, config);
        LoraAdapter adapter = new LoraAdapter(model, config);
        try {
            SplittableRandom random = new SplittableRandom(seed);
            for (Linear l : targets) {
                int in = (int) l.inFeatures();
                float bound = (float) (1.0 / Math.sqrt(in));
                float[] a = new float[config.r() * in];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
                adapter.add(l, adapter.manager.create(a, new Shape(config.r(), in)),
                        adapter.manager.zeros(new Shape(l.outFeatures(), config.r())));
            }
            adapter.attach();
            return adapter;
        } catch (RuntimeException e) {
            adapter.close();
            throw e;
        }
    }

    /**
     * Loads a PEFT adapter folder ({@code adapter_config.json} + {@code adapter_model.safetensors}) and attaches it.
     * Everything is validated before anything is attached: the tensor set must be exactly the targeted modules'
     * lora_A/lora_B, with shapes [r, in] and [out, r] of this base model.
     *
     * @throws AdapterException naming the file, tensor and both shapes when the adapter belongs to another base
     */
    public static LoraAdapter load(T5Model model, Path adapterDir) {
        return load(model, adapterDir, null);
    }

    /**
     * As {@link #load(T5Model, Path)}, recording {@code baseModelNameOrPath} (when non-null) as the base model the
     * adapter is now attached to, e.g. to continue training a colleague's adapter on this base and save it.
     */
    public static LoraAdapter load(T5Model model, Path adapterDir, String baseModelNameOrPath) {
        LoraConfig read = LoraConfig.readPeft(adapterDir.resolve(CONFIG_FILE));
        LoraConfig config = baseModelNameOrPath == null ? read : read.withBaseModel(baseModelNameOrPath);
        Path weights = adapterDir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            throw new AdapterException("Adapter weights not found: " + weights
                    + " (only the safetensors format is supported; PEFT writes it by default)");
        }
        SafetensorsReader reader = SafetensorsReader.open(weights);
        List<Linear> targets;
        try {
            targets = targets(model, config);
        } catch (AdapterException e) {
            throw new AdapterException(e.getMessage() + " (adapter " + adapterDir + ", base model "
                    + describeBase(read) + ")", e);
        }
        TreeSet<String> expected = new TreeSet<>();
        for (Linear l : targets) {
            String a = aKey(l.name());
            String b = bKey(l.name());
            expected.add(a);
            expected.add(b);
            checkShape(reader, a, new long[] {config.r(), l.inFeatures()}, adapterDir, read);
            checkShape(reader, b, new long[] {l.outFeatures(), config.r()}, adapterDir, read);
        }
        TreeSet<String> extra = new TreeSet<>(reader.tensors().keySet());
        extra.removeAll(expected);
        if (!extra.isEmpty()) {
            throw new AdapterException("Adapter " + weights + " holds tensors for modules this model does not target"
                    + " or have: " + first(extra, 5) + " — it was trained for a different base model ("
                    + describeBase(read) + ") or target_modules do not match");
        }
        LoraAdapter adapter = new LoraAdapter(model, config);
        try {
            for (Linear l : targets) {
                adapter.add(l, reader.load(adapter.manager, aKey(l.name())), reader.load(adapter.manager,
                        bKey(l.name())));
            }
            adapter.attach();
            return adapter;
        } catch (RuntimeException e) {
            adapter.close();
            throw e;
        }
    }

    private static String describeBase(LoraConfig config) {
        return config.baseModelNameOrPath().isEmpty() ? "base_model_name_or_path not recorded"
                : "base_model_name_or_path '" + config.baseModelNameOrPath() + "'";
    }

    private static void checkShape(SafetensorsReader reader, String key, long[] shape, Path dir, LoraConfig config) {
        if (!reader.contains(key)) {
            throw new AdapterException("Adapter " + dir + " lacks tensor '" + key + "' (shape "
                    + java.util.Arrays.toString(shape) + ") that its target_modules " + config.targetDescription()
                    + " require on this base model");
        }
        long[] actual = reader.info(key).shape();
        if (!java.util.Arrays.equals(actual, shape)) {
            throw new AdapterException("Adapter tensor '" + key + "' in " + dir + " has shape "
                    + java.util.Arrays.toString(actual) + " but this base model needs " + java.util.Arrays.toString(shape)
                    + ": the adapter was trained for a different base model (" + describeBase(config) + ")");
        }
    }

    static List<Linear> targets(T5Model model, LoraConfig config) {
        List<Linear> out = new ArrayList<>();
        for (Linear l : model.linears().values()) {
            if (config.matches(l.name())) {
                out.add(l);
            }
        }
        if (out.isEmpty()) {
            TreeSet<String> leaves = new TreeSet<>();
            model.linears().keySet().forEach(n -> leaves.add(n.substring(n.lastIndexOf('.') + 1)));
            List<String> all = new ArrayList<>(model.linears().keySet());
            throw new AdapterException("LoRA target_modules " + config.targetDescription()
                    + " match no linear layer of this model. Available module names: " + leaves
                    + " (full names like " + all.get(0) + ", " + all.get(all.size() - 1) + "; " + all.size()
                    + " layers in all)");
        }
        for (Linear l : out) {
            if (l.adapter() != null) {
                throw new AdapterException("Linear layer " + l.name() + " already has an adapter; close it first");
            }
        }
        return out;
    }

    private void add(Linear l, NDArray a, NDArray b) {
        a.setRequiresGradient(true);
        b.setRequiresGradient(true);
        layers.put(l.name(), new LoraLayer(l.name(), a, b, (float) config.scaling(), (float) config.loraDropout(),
                () -> training));
    }

    private void attach() {
        layers.forEach(model::setAdapter);
    }

    static String aKey(String module) {
        return PEFT_PREFIX + module + ".lora_A.weight";
    }

    static String bKey(String module) {
        return PEFT_PREFIX + module + ".lora_B.weight";
    }

    public LoraConfig config() {
        return config;
    }

    public T5Model model() {
        return model;
    }

    /** HF names of the wrapped modules, in model order. */
    public List<String> modules() {
        return List.copyOf(layers.keySet());
    }

    /** Trainable tensors by PEFT key (lora_A then lora_B per module, model order). They require gradients. */
    public Map<String, NDArray> parameters() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        layers.forEach((name, l) -> {
            out.put(aKey(name), l.a());
            out.put(bKey(name), l.b());
        });
        return Collections.unmodifiableMap(out);
    }

    /** Turns LoRA dropout on (training) or off (evaluation, generation). Off after create/load. */
    public void setTraining(boolean training) {
        this.training = training;
    }

    public boolean isTraining() {
        return training;
    }

    public long trainableParameters() {
        long n = 0;
        for (NDArray p : parameters().values()) {
            n += p.size();
        }
        return n;
    }

    /** Base parameters + LoRA parameters, counting the shared embedding once (PyTorch {@code parameters()}). */
    public long allParameters() {
        return baseParameterCount(model.config()) + trainableParameters();
    }

    /** PEFT's {@code print_trainable_parameters} line. */
    public String trainableSummary() {
        long t = trainableParameters();
        long all = allParameters();
        return String.format(Locale.ROOT, "trainable params: %,d || all params: %,d || trainable%%: %.4f", t, all,
                100.0 * t / all);
    }

    /** Unique parameters of {@code T5ForConditionalGeneration} with this config. */
    public static long baseParameterCount(T5Config c) {
        long d = c.dModel();
        long inner = c.innerDim();
        long ffn = (c.gatedActivation() ? 3L : 2L) * d * c.dFf();
        long embeddings = (long) c.vocabSize() * d * (c.tieWordEmbeddings() ? 1 : 2);
        long bias = 2L * c.relativeAttentionNumBuckets() * c.numHeads();
        long encoder = c.numLayers() * (4 * inner * d + 2 * d + ffn) + d;
        long decoder = c.numDecoderLayers() * (8 * inner * d + 3 * d + ffn) + d;
        return embeddings + bias + encoder + decoder;
    }

    /**
     * Saves in PEFT's format: {@code adapter_config.json}, {@code adapter_model.safetensors} and, unless the folder
     * already has one, a short {@code README.md} model card as PEFT writes. Every file is written to a temp file in
     * {@code dir} first and then moved into place, so a crash leaves no partial file; files and folders get the
     * user's default permissions (0644 / 0755 with umask 022), as PEFT's do.
     */
    public void save(Path dir) {
        try {
            Files.createDirectories(dir);
            Path card = dir.resolve(CARD_FILE);
            if (!Files.exists(card)) {
                Path tmpCard = StagingFiles.createFile(dir, ".README", ".tmp");
                try {
                    Files.writeString(tmpCard, modelCard(), StandardCharsets.UTF_8);
                    Files.move(tmpCard, card, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(tmpCard);
                }
            }
            Path tmpWeights = StagingFiles.createFile(dir, ".adapter_model", ".tmp");
            Path tmpConfig = StagingFiles.createFile(dir, ".adapter_config", ".tmp");
            try {
                Files.delete(tmpWeights);
                SafetensorsWriter.write(tmpWeights, parameters());
                byte[] json = new ObjectMapper().writerWithDefaultPrettyPrinter()
                        .writeValueAsString(config.toPeftJson()).getBytes(StandardCharsets.UTF_8);
                Files.write(tmpConfig, json);
                Files.move(tmpWeights, dir.resolve(WEIGHTS_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmpConfig, dir.resolve(CONFIG_FILE), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmpWeights);
                Files.deleteIfExists(tmpConfig);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save adapter to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The model card: PEFT's front matter (base model, library, tags) and what the adapter holds. */
    String modelCard() {
        String base = config.baseModelNameOrPath();
        boolean hubId = !base.isEmpty() && !base.startsWith("/") && !base.contains("\\") && base.split("/").length <= 2;
        StringBuilder b = new StringBuilder("---\n");
        if (hubId) {
            b.append("base_model: ").append(base).append('\n');
        }
        b.append("library_name: peft\ntags:\n");
        if (hubId) {
            b.append("- base_model:adapter:").append(base).append('\n');
        }
        b.append("- lora\n- transformers\n- ragtune\n---\n\n# LoRA adapter\n\n");
        b.append("A LoRA adapter in PEFT's format, written by ragtune.\n\n");
        b.append("- **Base model:** ").append(base.isEmpty() ? "not recorded" : base).append('\n');
        b.append(String.format(Locale.ROOT, "- **LoRA:** r=%d, lora_alpha=%d (scale %s), dropout %s, targets %s%n",
                config.r(), config.loraAlpha(), config.scaling(), config.loraDropout(), config.targetDescription()));
        b.append(String.format(Locale.ROOT, "- **Trainable parameters:** %,d in %d modules%n", trainableParameters(),
                layers.size()));
        b.append("\n## How to use\n\n```python\nfrom peft import AutoPeftModelForSeq2SeqLM\n")
                .append("model = AutoPeftModelForSeq2SeqLM.from_pretrained(\"path/to/this/folder\")\n```\n\n")
                .append("or `ragtune generate --model BASE --adapter path/to/this/folder \"prompt\"`.\n");
        return b.toString();
    }

    /**
     * Overwrites A and B in place with the tensors of an {@code adapter_model.safetensors} written for this same
     * configuration (used to resume training). Checks every key and shape before changing anything.
     */
    public void restoreWeights(Path safetensorsFile) {
        SafetensorsReader reader = SafetensorsReader.open(safetensorsFile);
        Map<String, NDArray> params = parameters();
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            if (!reader.contains(e.getKey())) {
                throw new AdapterException(safetensorsFile + " lacks " + e.getKey()
                        + "; it was written for a different adapter configuration");
            }
            if (!java.util.Arrays.equals(reader.info(e.getKey()).shape(), e.getValue().getShape().getShape())) {
                throw new AdapterException(e.getKey() + " in " + safetensorsFile + " has shape "
                        + java.util.Arrays.toString(reader.info(e.getKey()).shape()) + ", expected "
                        + e.getValue().getShape());
            }
        }
        try (NDManager tmp = manager.newSubManager()) {
            params.forEach((k, p) -> p.muli(0f).addi(reader.load(tmp, k)));
        }
    }

    /** The manager owning A, B (and a trainer's optimizer state); closed with the adapter. */
    public NDManager manager() {
        return manager;
    }

    /** Detaches every LoRA layer from the model (which becomes the plain base model again) and frees A/B. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String name : layers.keySet()) {
            if (model.linear(name).adapter() == layers.get(name)) {
                model.setAdapter(name, null);
            }
        }
        manager.close();
    }

    private static String first(TreeSet<String> names, int n) {
        List<String> out = new ArrayList<>();
        for (String s : names) {
            if (out.size() == n) {
                out.add("... (" + names.size() + " in all)");
                break;
            }
            out.add(s);
        }
        return out.toString();
    }
}
