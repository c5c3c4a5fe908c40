package dev.ragtune.model.io;

/** A safetensors file (or its index) is malformed or lacks a requested tensor; the message names the file. */
public final class SafetensorsFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
