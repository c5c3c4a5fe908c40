package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusBackend;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import java.nio.file.Path;

/** The embedded default backend: a collection is a folder on this machine (any location that is not a URI). */
public final class FolderBackend implements CorpusBackend {
    @Override
    public String name() {
        return "folder";
    }

    @Override
    public boolean accepts(String location) {
        return location != null && !location.isBlank() && !Corpora.isUri(location);
    }

    @Override
    public boolean exists(String location) {
        return Collection.exists(Path.of(location));
    }

    @Override
    public Retriever openReader(String location) {
        return Collection.open(Path.of(location));
    }

    @Override
    public CorpusWriter openWriter(String location, Embedder embedder, CorpusSettings settings) {
        return CollectionWriter.open(Path.of(location), embedder, settingsOf(settings));
    }

    /** The folder's settings for seam settings (shards and replicas mean nothing here). */
    public static CollectionSettings settingsOf(CorpusSettings s) {
        Manifest.ChunkingInfo chunking = s.chunkingGiven()
                ? new Manifest.ChunkingInfo(s.chunkTokensOrDefault(), s.overlapOrDefault()) : null;
        return new CollectionSettings(new Manifest.IndexInfo(s.index(), s.indexParams()), s.indexGiven(), chunking,
                s.language());
    }
}
