package dev.ragtune.app.web;

import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionSettings;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.embed.Embedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * The collection a server answers from, swapped for the new generation after each upload: questions run under a
 * read lock on the open generation; an upload ingests through the collection's writer (which also locks the folder
 * against other processes), commits, and swaps the reader under the write lock.
 */
final class LiveCollection implements AutoCloseable {
    private final Path dir;
    private final Embedder embedder;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private Collection current;

    LiveCollection(Path dir, Embedder embedder) {
        this.dir = dir;
        this.embedder = embedder;
        if (!Collection.exists(dir)) {
            try (CollectionWriter w = CollectionWriter.open(dir, embedder, settings())) {
                w.commit();
            }
        }
        this.current = Collection.open(dir);
        current.requireEmbedder(embedder);
    }

    private static CollectionSettings settings() {
        return new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto");
    }

    /** Runs {@code work} against the current generation. */
    <T> T read(Function<Collection, T> work) {
        lock.readLock().lock();
        try {
            return work.apply(current);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Ingests files and makes them visible to the next question. */
    Ingestion.Report ingest(List<Path> files, Ingestion.Listener listener) {
        Ingestion.Report report;
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, settings())) {
            report = new Ingestion(w, embedder, listener).run(files);
            w.commit();
        }
        Collection next = Collection.open(dir);
        lock.writeLock().lock();
        try {
            Collection old = current;
            current = next;
            old.close();
        } finally {
            lock.writeLock().unlock();
        }
        return report;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            current.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
