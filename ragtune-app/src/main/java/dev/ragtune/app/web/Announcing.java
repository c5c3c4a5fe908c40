package dev.ragtune.app.web;

import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.retrieve.SearchResult;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** A retriever that tells a listener what it found before the caller goes on (a streamed answer shows its sources early). */
record Announcing(Retriever delegate, Consumer<SearchResult> listener) implements Retriever {
    @Override
    public SearchResult search(SearchRequest request, Embedder embedder) {
        SearchResult r = delegate.search(request, embedder);
        listener.accept(r);
        return r;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public String embedderId() {
        return delegate.embedderId();
    }

    @Override
    public int dimension() {
        return delegate.dimension();
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public List<SourceEntry> sources() {
        return delegate.sources();
    }

    @Override
    public Set<String> chunkIds() {
        return delegate.chunkIds();
    }

    @Override
    public Map<String, Object> about() {
        return delegate.about();
    }

    @Override
    public String description() {
        return delegate.description();
    }

    @Override
    public void close() {
        // the live reader owns the delegate
    }
}
