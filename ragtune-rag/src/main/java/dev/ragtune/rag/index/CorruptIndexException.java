package dev.ragtune.rag.index;

import java.io.IOException;

/** An index folder whose files are missing, truncated or inconsistent; the message names the file and the fix. */
public final class CorruptIndexException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptIndexException(String message) {
        super(message);
    }

    public CorruptIndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
