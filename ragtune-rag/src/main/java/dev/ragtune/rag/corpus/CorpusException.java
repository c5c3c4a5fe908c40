package dev.ragtune.rag.corpus;

/**
 * A corpus cannot be opened, read or written; the message names the location (folder, file or URI) and says what to
 * do, so commands print it as one line.
 */
public class CorpusException extends RuntimeException {
    public CorpusException(String message) {
        super(message);
    }

    public CorpusException(String message, Throwable cause) {
        super(message, cause);
    }
}
