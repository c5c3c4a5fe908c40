package dev.ragtune.rag.document;

import java.io.IOException;
import org.slf4j.LoggerFactory;

/**
 * Receives what a {@link DocumentReader} reads, in order: for each document of the file, {@link #startDocument},
 * its sections in text order, then {@link #endDocument}. Push style so that a reader never holds a whole file.
 *
 * <p>An exception thrown by a visitor method stops the read and propagates out of
 * {@link DocumentReader#read}.
 */
public interface DocumentVisitor {
    /** A document starts; its sections follow. */
    void startDocument(Document document) throws IOException;

    /** The next section of the current document. */
    void section(Section section) throws IOException;

    /** The current document is complete. */
    default void endDocument(Document document) throws IOException {
    }

    /**
     * Something the reader worked around but the user should know: a file decoded as windows-1252, a malformed
     * JSONL line skipped, a PDF page without text. Logged at WARN by default.
     */
    default void warning(String file, String message) {
        LoggerFactory.getLogger(DocumentVisitor.class).warn("{}: {}", file, message);
    }
}
