package dev.ragtune.rag.corpus;

import dev.ragtune.rag.embed.Embedder;

/**
 * A place corpora live: the local folder, or a distributed engine named by a URI. Backends are found with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services} entry), so a module on the class path adds one without
 * the callers knowing it.
 */
public interface CorpusBackend {
    /** Short name for messages, e.g. {@code folder}, {@code solr}. */
    String name();

    /** True when this backend serves {@code location} (for URI backends: its scheme is theirs). */
    boolean accepts(String location);

    /** True when a corpus exists at {@code location}. */
    boolean exists(String location);

    /** Opens the corpus for searching; a missing one is a {@link CorpusException} saying how to make it. */
    Retriever openReader(String location);

    /** Opens the corpus for writing, creating it when missing; one writer at a time. */
    CorpusWriter openWriter(String location, Embedder embedder, CorpusSettings settings);
}
