package dev.ragtune.rag.document;

import java.io.IOException;
import java.util.Objects;

/**
 * A file that cannot be read as a document. The message starts with the file and says what to do; {@link #reason()}
 * lets an ingest loop decide to skip the file and go on with the others.
 */
public final class DocumentException extends IOException {
    /** Why the file was refused. */
    public enum Reason {
        /** No reader for the file's extension. */
        UNSUPPORTED,
        /** Empty or whitespace-only. */
        EMPTY,
        /** Bytes that are not text (NUL bytes, many control characters). */
        BINARY,
        /** Damaged or truncated file that its parser rejects. */
        CORRUPT,
        /** Password-protected PDF. */
        ENCRYPTED,
        /** A PDF without a text layer (scanned images). */
        NO_TEXT,
        /** Larger than the reader can handle. */
        TOO_LARGE
    }

    private final Reason reason;
    private final String file;

    public DocumentException(Reason reason, String file, String message) {
        this(reason, file, message, null);
    }

    public DocumentException(Reason reason, String file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.file = Objects.requireNonNull(file, "file");
    }

    public Reason reason() {
        return reason;
    }

    /** The file as given to the reader. */
    public String file() {
        return file;
    }
}
