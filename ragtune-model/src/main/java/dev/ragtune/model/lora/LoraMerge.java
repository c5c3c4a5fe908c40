package dev.ragtune.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.io.FileTrees;
import dev.ragtune.model.io.StagingFiles;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Folds a LoRA adapter into its base model ({@code W + scaling · B @ A}, PEFT {@code merge_and_unload}) and writes a
 * plain Hugging Face model folder: {@code config.json}, {@code generation_config.json}, {@code model.safetensors}
 * (HF tensor names, F32) and the tokenizer files found beside the base model.
 *
 * <p>The folder is built under a temp name next to {@code outDir} and renamed into place in one atomic move, so
 * {@code outDir} either does not exist or is complete. {@code outDir} must not exist (or be an empty folder).
 */
public final class LoraMerge {
    /** Files copied verbatim from the base folder when present. */
    static final List<String> COPIED = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "spiece.model", "added_tokens.json");

    private LoraMerge() {
    }

    /**
     * Validates the adapter against the base (same checks as {@link LoraAdapter#load}) and writes the merged model.
     *
     * @throws AdapterException for a mismatched adapter or a non-empty output folder; nothing is written then
     */
    public static void merge(Path baseDir, Path adapterDir, Path outDir) {
        requireEmpty(outDir);
        try (T5Model model = T5Model.load(baseDir, ai.djl.Device.cpu());
             LoraAdapter adapter = LoraAdapter.load(model, adapterDir)) {
            merge(adapter, outDir);
        }
    }

    /**
     * Writes the merged model of an adapter attached to a model loaded from a folder (whose tensors and tokenizer
     * files are copied).
     *
     * @throws AdapterException for a non-empty output folder or a model without a source folder; nothing is written
     */
    public static void merge(LoraAdapter adapter, Path outDir) {
        requireEmpty(outDir);
        T5Model model = adapter.model();
        Path baseDir = model.source();
        if (baseDir == null) {
            throw new AdapterException("the model has no source folder to merge into (random weights)");
        }
        try {
            Path parent = outDir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = StagingFiles.createDirectory(parent, "." + outDir.getFileName() + ".merging-");
            try {
                try (NDManager scope = model.manager().newSubManager()) {
                    writeWeights(baseDir, adapter, tmp.resolve("model.safetensors"), scope);
                }
                for (String f : COPIED) {
                    if (Files.isRegularFile(baseDir.resolve(f))) {
                        Files.copy(baseDir.resolve(f), tmp.resolve(f));
                    }
                }
                if (Files.isDirectory(outDir)) {
                    Files.delete(outDir);
                }
                Files.move(tmp, outDir, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                FileTrees.delete(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write merged model to " + outDir + ": " + e.getMessage(), e);
        }
    }

    /** Fails fast when {@code outDir} exists and is not an empty folder. */
    public static void requireEmpty(Path outDir) {
        if (Files.exists(outDir) && !isEmptyDirectory(outDir)) {
            throw new AdapterException("Output folder " + outDir + " already exists and is not empty; choose a new"
                    + " folder for the merged model");
        }
    }

    /** The merged weight {@code W + scaling · B @ A} of one module, in {@code scope}. */
    public static NDArray mergedWeight(NDArray w, NDArray a, NDArray b, double scaling, NDManager scope) {
        NDArray delta = b.matMul(a).mul((float) scaling);
        NDArray merged = w.add(delta);
        merged.attach(scope);
        delta.attach(scope);
        return merged;
    }

    private static void writeWeights(Path baseDir, LoraAdapter adapter, Path file, NDManager scope) {
        SafetensorsReader reader = SafetensorsReader.open(baseDir);
        Map<String, NDArray> params = adapter.parameters();
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String name : reader.tensors().keySet()) {
            NDArray w = reader.load(scope, name);
            if (name.endsWith(".weight")) {
                String module = name.substring(0, name.length() - ".weight".length());
                NDArray a = params.get(LoraAdapter.aKey(module));
                if (a != null) {
                    w = mergedWeight(w, a, params.get(LoraAdapter.bKey(module)),
                            adapter.config().scaling(), scope);
                }
            }
            out.put(name, w);
        }
        SafetensorsWriter.write(file, out);
    }

    private static boolean isEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
