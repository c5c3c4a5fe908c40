package dev.ragtune.rag.document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads one file format into documents and sections. Implementations are stateless and thread-safe; pick one
 * with {@link DocumentReaders#forFile(Path)}.
 */
public interface DocumentReader {
    /** File extensions handled, lower case, without the dot. */
    Set<String> extensions();

    /**
     * Reads {@code file} and pushes its documents into {@code visitor}.
     *
     * @param file       the file; its path as given becomes {@link Document#source()}
     * @param documentId id of the document for single-document formats (see {@link DocumentReaders#documentId});
     *                   ignored by JSONL, whose lines carry their own ids
     * @throws DocumentException when the file cannot be read as a document (nothing was pushed for it, except
     *                           for JSONL where earlier lines may have gone through)
     * @throws IOException       on I/O failure or when the visitor throws
     */
    void read(Path file, String documentId, DocumentVisitor visitor) throws IOException;
}
