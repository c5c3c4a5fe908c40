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
 * @param weights   how decoding holds the weights: fp32 (exact Hugging Face parity) or int8 (opt-in, faster)
 */
public record ModelRequest(String model, Path adapter, String device, Tokenizer tokenizer, Weights weights) {
    /** How the tokenizer is wanted. */
    public enum Tokenizer { REQUIRED, IF_PRESENT, NONE }

    /** The {@code --weights} choice. */
    public enum Weights {
        FP32, INT8;

        /** {@code fp32} or {@code int8}; anything else is a one-line error naming the option. */
        public static Weights parse(String value) {
            return switch (value == null ? "" : value.toLowerCase(java.util.Locale.ROOT)) {
                case "fp32" -> FP32;
                case "int8" -> INT8;
                default -> throw new IllegalArgumentException("--weights must be fp32 or int8, got '" + value + "'");
            };
        }
    }

    /** fp32 weights. */
    public ModelRequest(String model, Path adapter, String device, Tokenizer tokenizer) {
        this(model, adapter, device, tokenizer, Weights.FP32);
    }

    public ModelRequest {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException(adapter != null ? "--adapter needs --model (its base model)"
                    : "no model given: pass --model with a folder or a hub id ORG/NAME");
        }
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(weights, "weights");
        if (weights == Weights.INT8 && adapter != null) {
            throw new IllegalArgumentException("--weights int8 cannot apply --adapter (the int8 decoder holds the base"
                    + " weights only): fold the adapter in with 'ragtune merge' and run the merged model with"
                    + " --weights int8");
        }
    }
}
