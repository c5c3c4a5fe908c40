package dev.ragtune.model.data;

/** Training data that cannot be used: names the file, the record (index / line) and the field. */
public final class DatasetFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetFormatException(String message) {
        super(message);
    }

    public DatasetFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
