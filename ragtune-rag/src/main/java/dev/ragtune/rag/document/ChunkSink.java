package dev.ragtune.rag.document;

import java.io.IOException;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Receives the chunks of {@link Chunker#visitor(ChunkSink)}, one call per section that produced any. */
@FunctionalInterface
public interface ChunkSink {
    /** The next chunks of {@code document}, in order; ids keep counting across calls for the same document. */
    void accept(Document document, List<Chunk> chunks) throws IOException;

    /** {@code document} is complete with {@code chunkCount} chunks (possibly 0). */
    default void endDocument(Document document, int chunkCount) throws IOException {
    }

    /** A reader's warning (see {@link DocumentVisitor#warning}); logged at WARN by default. */
    default void warning(String file, String message) {
        LoggerFactory.getLogger(ChunkSink.class).warn("{}: {}", file, message);
    }
}
