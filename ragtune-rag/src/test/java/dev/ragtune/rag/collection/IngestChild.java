package dev.ragtune.rag.collection;

import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by the crash tests: ingests {@code args[1..]} into {@code args[0]} committing every
 * {@code -Dchunks} chunks, printing "committed G" after each commit and then pausing {@code -Dpause} ms, so the
 * parent can kill it part way.
 */
public final class IngestChild {
    private IngestChild() {}

    public static void main(String[] args) throws Exception {
        HashingEmbedder embedder = new HashingEmbedder();
        long pause = Long.getLong("pause", 0);
        Ingestion.Listener listener = new Ingestion.Listener() {
            @Override
            public void committed(Manifest m) {
                System.out.println("committed " + m.generation());
                System.out.flush();
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        List<Path> files = java.util.Arrays.stream(args).skip(1).map(Path::of).toList();
        try (CollectionWriter w = CollectionWriter.open(Path.of(args[0]), embedder,
                new CollectionSettings(new Manifest.IndexInfo(System.getProperty("kind", "flat"), Map.of()), false, null,
                        "auto"))) {
            new Ingestion(w, embedder, listener,
                    new Ingestion.Checkpoints(Integer.getInteger("chunks", 50), 3600)).run(files);
            w.commit();
            Manifest m = w.manifest();
            System.out.println("done " + m.generation());
        }
    }
}
