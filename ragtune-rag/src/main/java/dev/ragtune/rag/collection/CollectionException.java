package dev.ragtune.rag.collection;

/** A collection cannot be opened or written; the message names the folder or file and says what to do. */
public class CollectionException extends RuntimeException {
    public CollectionException(String message) {
        super(message);
    }

    public CollectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
