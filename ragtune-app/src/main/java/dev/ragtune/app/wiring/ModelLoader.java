package dev.ragtune.app.wiring;

import dev.ragtune.model.hub.ModelLocator;
import dev.ragtune.model.io.SafetensorsFormatException;
import dev.ragtune.model.lora.AdapterException;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.t5.UnsupportedModelException;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The one way every command (generate, ask, eval, serve, train, merge) opens a model: resolves {@code --model} (a
 * folder or a pulled hub id), loads the T5 / mT5 weights, the tokenizer and a PEFT adapter. Every failure is an
 * {@link IllegalArgumentException} whose message is one line naming the file or option and what to do.
 */
public final class ModelLoader {
    private final ModelLocator locator;

    public ModelLoader(ModelLocator locator) {
        this.locator = locator;
    }

    /** A loader over the environment's model cache ({@code RAGTUNE_CACHE} / {@code ~/.cache/ragtune/models}). */
    public static ModelLoader fromEnvironment() {
        return new ModelLoader(ModelLocator.fromEnvironment());
    }

    /**
     * Opens the model.
     *
     * @param request what to load; {@code adapter} and the tokenizer are optional
     * @return the open model; the caller closes it (adapter, tokenizer, model)
     */
    public LoadedModel open(ModelRequest request) {
        ModelLocator.Located located = userError(() -> locator.locate(request.model()));
        Path dir = located.dir();
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            throw new IllegalArgumentException("No config.json in --model " + dir + ": point it at a Hugging Face T5,"
                    + " FLAN-T5, mT5 or mT0 model folder (or a hub id pulled with 'ragtune model pull')");
        }
        boolean hasTokenizer = Files.isRegularFile(dir.resolve("tokenizer.json"));
        if (request.tokenizer() == ModelRequest.Tokenizer.REQUIRED && !hasTokenizer) {
            throw new IllegalArgumentException("model folder " + dir + " has no tokenizer.json; copy the tokenizer of"
                    + " its base model there (e.g. from google/flan-t5-base or google/mt5-small), or feed token ids (generate --input-ids)");
        }
        if (request.adapter() != null && !Files.isDirectory(request.adapter())) {
            throw new IllegalArgumentException("--adapter " + request.adapter() + " is not a folder; give a PEFT"
                    + " adapter folder (adapter_config.json + adapter_model.safetensors)");
        }
        T5Model model = userError(() -> T5Model.load(dir, T5Model.device(request.device())));
        LoraAdapter adapter = null;
        T5Tokenizer tokenizer = null;
        try {
            if (request.adapter() != null) {
                Path adapterDir = request.adapter();
                adapter = userError(() -> LoraAdapter.load(model, adapterDir, located.name()));
            }
            if (request.weights() == ModelRequest.Weights.INT8) {
                userError(() -> {
                    model.useInt8Decoder(Math.max(1, Runtime.getRuntime().availableProcessors()));
                    return model;
                });
            }
            if (hasTokenizer && request.tokenizer() != ModelRequest.Tokenizer.NONE) {
                tokenizer = T5Tokenizer.load(dir);
            }
            return new LoadedModel(model, tokenizer, adapter, dir, located.name(), request.adapter());
        } catch (RuntimeException e) {
            try (T5Model m = model; T5Tokenizer t = tokenizer; LoraAdapter a = adapter) {
                throw e;
            }
        }
    }

    /** Runs {@code load}, turning the model module's refusals into one-line user errors. */
    static <T> T userError(Supplier<T> load) {
        try {
            return load.get();
        } catch (AdapterException | UnsupportedModelException | SafetensorsFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
