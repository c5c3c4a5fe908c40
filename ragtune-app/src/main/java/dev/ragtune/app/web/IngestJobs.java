package dev.ragtune.app.web;

import dev.ragtune.app.api.JobStatus;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The one writer of a served corpus: uploads become background jobs with an id and live progress, deletions wait their
 * turn behind them; each job commits once and the live reader is refreshed right after, so questions never wait for
 * an ingest. Files arrive staged in a hidden folder of the uploads folder and move into it only when their job runs;
 * a file that fails to ingest (and was not there before) is deleted again.
 */
final class IngestJobs implements AutoCloseable {
    private static final int KEPT_JOBS = 200;

    private final String location;
    private final Embedder embedder;
    private final LiveRetriever live;
    private final Path uploads;
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "ragtune-writer");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Job> jobs = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Job> eldest) {
            return size() > KEPT_JOBS;
        }
    });

    IngestJobs(String location, Embedder embedder, LiveRetriever live, Path uploads) {
        this.location = location;
        this.embedder = embedder;
        this.live = live;
        this.uploads = uploads;
    }

    Path uploads() {
        return uploads;
    }

    /** A new hidden folder for one request's files; the caller deletes it when the request is refused. */
    Path stagingFolder() {
        try {
            Files.createDirectories(uploads);
            return Files.createTempDirectory(uploads, ".incoming-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the uploads folder " + uploads + ": " + e.getMessage(), e);
        }
    }

    /** Queues the files of {@code staged} (named as they will be stored) for ingestion. */
    JobStatus submit(Path staged, List<String> names, long bytes) {
        Job job = new Job(UUID.randomUUID().toString(), names.size(), bytes);
        jobs.put(job.id, job);
        writer.submit(() -> job.run(staged, names));
        return job.status();
    }

    /** The job's status, or null for an unknown (or long forgotten) id. */
    JobStatus status(String id) {
        Job j = jobs.get(id);
        return j == null ? null : j.status();
    }

    /** Removes a source from the corpus (after the jobs queued before it); false when it was not there. */
    boolean remove(String source) {
        Future<Boolean> f = writer.submit(() -> {
            boolean removed;
            try (CorpusWriter w = Corpora.openWriter(location, embedder, CorpusSettings.defaults())) {
                removed = w.remove(source);
                if (removed) w.commit();
            }
            if (removed) {
                live.refresh();
                Path file = Path.of(source);
                if (file.toAbsolutePath().normalize().startsWith(uploads.toAbsolutePath().normalize())) {
                    Files.deleteIfExists(file);
                }
            }
            return removed;
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while removing " + source, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException("cannot remove " + source + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }

    /** One upload's ingestion; fields are written by the writer thread and read by status requests. */
    private final class Job implements Ingestion.Listener {
        final String id;
        final long started = System.nanoTime();
        volatile String state = "queued";
        volatile int files;
        volatile int filesDone;
        volatile long chunks;
        volatile long bytesDone;
        volatile long bytesTotal;
        volatile String current;
        volatile long runningSince;
        volatile long finishedAt;
        volatile JobStatus.JobReport report;
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());

        Job(String id, int files, long bytes) {
            this.id = id;
            this.files = files;
            this.bytesTotal = bytes;
        }

        void run(Path staged, List<String> names) {
            state = "running";
            runningSince = System.nanoTime();
            List<Path> stored = new ArrayList<>();
            List<Path> fresh = new ArrayList<>();
            try {
                Ingestion.Report r;
                try (CorpusWriter w = Corpora.openWriter(location, embedder, CorpusSettings.defaults())) {
                    for (String name : names) {
                        Path target = uploads.resolve(name);
                        if (w.source(target.toAbsolutePath().normalize().toString()) == null) fresh.add(target);
                        Files.move(staged.resolve(name), target, StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                        stored.add(target);
                    }
                    r = new Ingestion(w, embedder, this).run(stored);
                    w.commit();
                }
                live.refresh();
                report = new JobStatus.JobReport(r.ingested(), r.unchanged(), r.failed(), r.chunksAdded(),
                        r.chunksReplaced(), live.read(c -> c.size()));
                state = r.failed() > 0 && r.ingested() + r.unchanged() == 0 ? "failed" : "done";
            } catch (IOException | RuntimeException e) {
                problems.add(e.getMessage() == null ? e.toString() : e.getMessage());
                state = "failed";
                for (Path p : fresh) deleteQuietly(p);
            } finally {
                deleteTree(staged);
                finishedAt = System.nanoTime();
            }
        }

        @Override
        public void started(int files, long bytes) {
            this.files = files;
            this.bytesTotal = bytes;
        }

        @Override
        public void progress(int filesDone, int files, long chunks, long bytesDone, long bytesTotal, String current) {
            this.filesDone = filesDone;
            this.chunks = chunks;
            this.bytesDone = bytesDone;
            this.current = current == null ? null : Path.of(current).getFileName().toString();
        }

        @Override
        public void failed(Path file, String message) {
            problems.add(file.getFileName() + ": " + message);
            deleteQuietly(file);
        }

        @Override
        public void warning(String file, String message) {
            problems.add(Path.of(file).getFileName() + ": " + message);
        }

        JobStatus status() {
            long now = finishedAt != 0 ? finishedAt : System.nanoTime();
            double elapsed = (now - started) / 1e9;
            Double eta = null;
            if ("running".equals(state) && bytesDone > 0 && bytesTotal > bytesDone) {
                double running = (now - runningSince) / 1e9;
                eta = Math.round(running * (bytesTotal - bytesDone) / bytesDone * 10) / 10.0;
            }
            boolean finished = finishedAt != 0;
            return new JobStatus(id, state, files, finished ? files : filesDone, chunks, finished ? bytesTotal : bytesDone,
                    bytesTotal, finished ? null : current, Math.round(elapsed * 10) / 10.0, eta, report,
                    List.copyOf(problems));
        }

        /** A failed file that was new is not kept: nothing stays on disk from a refused document. */
        private void deleteQuietly(Path file) {
            Path target = uploads.resolve(file.getFileName().toString());
            if (!file.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) return;
            try {
                String key = target.toAbsolutePath().normalize().toString();
                boolean known = live.read(c -> c.sources().stream().anyMatch((SourceEntry s) -> s.source().equals(key)));
                if (!known) Files.deleteIfExists(target);
            } catch (IOException | RuntimeException ignored) {
                // best effort: the file is only a copy of what the user sent
            }
        }
    }

    /** Deletes staging folders a stopped server left behind. */
    static void clearStaging(Path uploads) {
        if (!Files.isDirectory(uploads)) return;
        try (Stream<Path> list = Files.list(uploads)) {
            for (Path p : list.filter(p -> p.getFileName().toString().startsWith(".incoming-")).toList()) deleteTree(p);
        } catch (IOException e) {
            // nothing to clear
        }
    }

    /** Deletes a staging folder and what is left in it. */
    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // leftovers are hidden files the next server start may remove
        }
    }
}
