package dev.ragtune.rag.rerank;

/** A re-ranker model folder cannot be used: missing files, unreadable files, or not a cross-encoder. */
public final class RerankerLoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RerankerLoadException(String message) {
        super(message);
    }

    public RerankerLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
