package dev.ragtune.app.wiring;

import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.nio.file.Path;

/**
 * An open model from {@link ModelLoader}: closing it closes the adapter, the tokenizer and the model.
 *
 * @param tokenizer null when the folder has none (or none was asked for)
 * @param adapter   null without {@code --adapter}
 * @param adapterDir the adapter's folder, or null
 * @param name      the hub id when the model came from the hub, else the folder's absolute path
 */
public record LoadedModel(T5Model model, T5Tokenizer tokenizer, LoraAdapter adapter, Path dir, String name,
                          Path adapterDir)
        implements AutoCloseable {
    /** How the model is shown to users: its name, and the adapter's folder when one is attached. */
    public String description() {
        return name + (adapter == null ? "" : " + LoRA " + adapterDir) + (model.usesInt8Decoder() ? " (int8)" : "");
    }

    @Override
    public void close() {
        try (T5Model m = model; T5Tokenizer t = tokenizer; LoraAdapter a = adapter) {
            // closes the adapter, then the tokenizer, then the model
        }
    }
}
