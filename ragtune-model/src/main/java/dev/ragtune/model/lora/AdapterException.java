package dev.ragtune.model.lora;

/** A LoRA adapter or configuration that cannot be used: names the file, module or tensor and what to do. */
public final class AdapterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AdapterException(String message) {
        super(message);
    }

    public AdapterException(String message, Throwable cause) {
        super(message, cause);
    }
}
