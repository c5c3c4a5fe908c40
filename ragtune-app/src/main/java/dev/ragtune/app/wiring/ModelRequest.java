package dev.ragtune.app.wiring;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a command asks {@link ModelLoader} for.
 *
 * @param model     a model folder or a pulled hub id {@code ORG/NAME[@REVISION]}
 * @param adapter   a PEFT LoRA adapter folder to attach, or null
 * @param device    {@code cpu} or {@code gpu}
 * @param tokenizer whether {@code tokenizer.json} must be there, is loaded when present, or is not needed
 */
public record ModelRequest(String model, Path adapter, String device, Tokenizer tokenizer) {
    /** How the tokenizer is wanted. */
    public enum Tokenizer { REQUIRED, IF_PRESENT, NONE }

    public ModelRequest {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(adapter != null ? "--adapter needs --model (its base model)"
                    : "no model given: pass --model with a folder or a hub id ORG/NAME");
        }
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(tokenizer, "tokenizer");
    }
}
