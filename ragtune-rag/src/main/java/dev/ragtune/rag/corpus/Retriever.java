package dev.ragtune.rag.corpus;

import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.retrieve.SearchResult;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The read side of a corpus: a query (with an optional filter) to ranked hits with their chunk's text, source, page and
 * score. Implementations are safe for concurrent searches and show the state of their last commit.
 */
public interface Retriever extends AutoCloseable {
    /** Where the corpus lives (a folder or a URI), for messages. */
    String location();

    /** Id of the embedding model the stored vectors were made with. */
    String embedderId();

    /** Dimension of the stored vectors. */
    int dimension();

    /** Number of live chunks. */
    int size();

    /** The ingested files. */
    List<SourceEntry> sources();

    /** Ids of all live chunks (for checking gold ids of an evaluation; may take a while on a large corpus). */
    Set<String> chunkIds();

    /** What the corpus is, as name → value (a folder's manifest, a cluster's collection and shards), for {@code info}. */
    Map<String, Object> about();

    /** One line for reports, e.g. {@code 1,204 chunks, index flat}. */
    String description();

    /**
     * Searches the corpus.
     *
     * @param embedder the corpus's embedder (checked); may be null for bm25
     */
    SearchResult search(SearchRequest request, Embedder embedder);

    /**
     * Searches many queries at once; the result has one entry per request, in order, each equal to what
     * {@link #search} returns for it alone. Backends that can share work across queries (one embedding batch, a
     * blocked queries × vectors product) override it; their per-query timings are then each query's equal share of
     * the shared steps plus its own. The default searches one request after the other.
     *
     * @param embedder the corpus's embedder (checked); may be null when every request is bm25
     */
    default List<SearchResult> searchAll(List<SearchRequest> requests, Embedder embedder) {
        List<SearchResult> out = new java.util.ArrayList<>(requests.size());
        for (SearchRequest r : requests) out.add(search(r, embedder));
        return out;
    }

    /**
     * True when the corpus has committed changes this reader does not show (a cheap check; open a new reader to see
     * them). Backends whose readers follow commits by themselves keep the default.
     */
    default boolean stale() {
        return false;
    }

    /** Refuses an embedder other than the corpus's: its vectors would live in another space and rank garbage. */
    default void requireEmbedder(Embedder embedder) {
        if (!embedderId().equals(embedder.id()) || dimension() != embedder.dimension()) {
            throw new CorpusException("collection " + location() + " was built with embedder " + embedderId()
                    + " (dimension " + dimension() + ") but the query embedder is " + embedder.id() + " (dimension "
                    + embedder.dimension() + "); pass --embedder for the collection's model, or ingest into a new "
                    + "collection");
        }
    }

    @Override
    void close();
}
