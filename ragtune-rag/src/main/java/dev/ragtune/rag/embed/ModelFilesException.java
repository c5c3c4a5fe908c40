package dev.ragtune.rag.embed;

/**
 * An embedding model could not be loaded: a file is missing, unreadable or says something this code does not
 * support. The message names the file (or classpath resource) and what to do about it.
 */
public final class ModelFilesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ModelFilesException(String message) {
        super(message);
    }

    public ModelFilesException(String message, Throwable cause) {
        super(message, cause);
    }
}
