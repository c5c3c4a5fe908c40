package dev.ragtune.rag.eval;

/** An evaluation data file that does not have the expected structure; the message names the file and the field. */
public final class InvalidDatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidDatasetException(String message) {
        super(message);
    }

    public InvalidDatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
