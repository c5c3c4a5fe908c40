package dev.ragtune.model.t5;

/** The checkpoint's config or weights describe something this T5 implementation cannot run; the message says why. */
public final class UnsupportedModelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
