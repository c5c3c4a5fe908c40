package dev.ragtune.rag.embed;

/** The model runtime failed while embedding a batch (not bad input: that is an {@link IllegalArgumentException}). */
public final class EmbeddingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }
}
