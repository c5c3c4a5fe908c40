package dev.ragtune.app.web;

import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The corpus a server answers from, following its committed generation: a timer asks the open reader whether the
 * corpus changed since ({@link Retriever#stale()}) and, when it did (an ingest or {@code rm} from any process), opens
 * a new reader and swaps it in. Requests never wait for the swap or for each other: each holds a lease on the reader
 * it started with, and a retired reader is closed when its last lease ends.
 */
final class LiveRetriever implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveRetriever.class);

    private final String location;
    private final Embedder embedder;
    private final AtomicReference<Leased> current = new AtomicReference<>();
    private final ScheduledExecutorService timer;
    private final Object reopening = new Object();

    /** @param refreshMillis how often to check for a new generation; 0 checks only on {@link #refresh()} */
    LiveRetriever(String location, Embedder embedder, long refreshMillis) {
        this.location = location;
        this.embedder = embedder;
        current.set(new Leased(openChecked()));
        if (refreshMillis > 0) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "ragtune-live-corpus");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::refreshQuietly, refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
        } else {
            timer = null;
        }
    }

    /** A new reader of the newest generation, refused (and closed) when its embedder is not ours. */
    private Retriever openChecked() {
        Retriever r = Corpora.open(location);
        try {
            r.requireEmbedder(embedder);
            return r;
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
    }

    String location() {
        return location;
    }

    /** Runs {@code work} against the current reader; a swap during the work does not disturb it. */
    <T> T read(Function<Retriever, T> work) {
        while (true) {
            Leased l = current.get();
            if (l == null) throw new IllegalStateException("the server is stopping");
            if (!l.acquire()) continue; // retired between get and acquire: take the new one
            try {
                return work.apply(l.retriever);
            } finally {
                l.release();
            }
        }
    }

    /** Opens the newest generation when the open one is stale; true when it swapped. */
    boolean refresh() {
        synchronized (reopening) {
            Leased old = current.get();
            if (old == null || !old.retriever.stale()) return false;
            current.set(new Leased(openChecked()));
            old.retire();
            return true;
        }
    }

    private void refreshQuietly() {
        try {
            if (refresh()) LOG.info("serving the new generation of {}", location);
        } catch (RuntimeException e) {
            LOG.warn("cannot open the new generation of {} (still serving the previous one): {}", location, e.getMessage());
        }
    }

    @Override
    public void close() {
        if (timer != null) timer.shutdownNow();
        synchronized (reopening) {
            Leased l = current.getAndSet(null);
            if (l != null) l.retire();
        }
    }

    /** A reader with a count of requests using it; closed once retired and unused. */
    private static final class Leased {
        private static final int RETIRED = Integer.MIN_VALUE / 2;
        final Retriever retriever;
        final AtomicInteger users = new AtomicInteger();
        final AtomicBoolean closed = new AtomicBoolean();

        Leased(Retriever retriever) {
            this.retriever = retriever;
        }

        boolean acquire() {
            if (users.incrementAndGet() > 0) return true;
            release();
            return false;
        }

        void release() {
            if (users.decrementAndGet() == RETIRED) closeOnce();
        }

        void retire() {
            if (users.addAndGet(RETIRED) == RETIRED) closeOnce();
        }

        private void closeOnce() {
            if (closed.compareAndSet(false, true)) retriever.close();
        }
    }
}
