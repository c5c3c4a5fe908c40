package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusException;

/** A collection cannot be opened or written; the message names the folder or file and says what to do. */
public class CollectionException extends CorpusException {
    public CollectionException(String message) {
        super(message);
    }

    public CollectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
