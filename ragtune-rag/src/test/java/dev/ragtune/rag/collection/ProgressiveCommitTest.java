package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.SourceEntry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A long ingest commits as it goes; a killed one is finished by the next run, nothing lost and nothing twice. */
class ProgressiveCommitTest {
    @TempDir Path tmp;
    Path big;
    Path small;
    final CollectionSettings flat = new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto");

    @BeforeEach
    void setUp() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            text.append("Sentence ").append(i).append(" is about topic ").append(i % 97).append(" and retrieval number ")
                    .append(i * 7 % 101).append(".\n");
        }
        big = Files.writeString(tmp.resolve("big.txt"), text.toString());
        small = Files.writeString(tmp.resolve("small.md"), "# Small\n\nA small file about dropout.\n");
    }

    /** Chunk texts with their source and document, in storage order: what a fresh, uninterrupted ingest gives. */
    static List<String> contents(Path dir) {
        try (Collection c = Collection.open(dir)) {
            return c.chunks().stream().map(s -> s.chunk().docId() + " " + s.chunk().start() + " " + s.chunk().text())
                    .sorted().toList();
        }
    }

    List<String> freshContents(Path... files) {
        Path fresh = tmp.resolve("fresh");
        HashingEmbedder e = new HashingEmbedder();
        try (CollectionWriter w = CollectionWriter.open(fresh, e, flat)) {
            new Ingestion(w, e, null).run(List.of(files));
            w.commit();
        }
        return contents(fresh);
    }

    @Test
    void aLongIngestCommitsEveryNChunksAlsoInsideOneFile() {
        Path dir = tmp.resolve("col");
        HashingEmbedder e = new HashingEmbedder();
        List<Long> generations = new ArrayList<>();
        Ingestion.Listener listener = new Ingestion.Listener() {
            @Override
            public void committed(Manifest m) {
                generations.add(m.generation());
                assertThat(Collection.open(dir)).satisfies(c -> {
                    try (c) {
                        assertThat(c.manifest().generation()).isEqualTo(m.generation());
                    }
                });
            }
        };
        Ingestion.Report r;
        try (CollectionWriter w = CollectionWriter.open(dir, e, flat)) {
            r = new Ingestion(w, e, listener, new Ingestion.Checkpoints(40, 3600)).run(List.of(big, small));
            w.commit();
        }
        assertThat(r.chunksAdded()).isGreaterThan(120);
        assertThat(generations).hasSizeGreaterThanOrEqualTo(r.chunksAdded() / 40 - 1).isSorted();
        assertThat(contents(dir)).isEqualTo(freshContents(big, small));
        assertThat(e.embedded.get()).isEqualTo(r.chunksAdded());
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).noneMatch(SourceEntry::partial);
        }
        assertThat(CollectionCheck.run(dir, true, 100).problems()).isEmpty();
    }

    @Test
    void aKilledIngestIsFinishedByTheNextRunWithoutDuplicatesOrEmbeddingTheCommittedPartAgain() throws Exception {
        Path dir = tmp.resolve("col");
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-Dchunks=30", "-Dpause=30000", "-cp",
                System.getProperty("java.class.path"), IngestChild.class.getName(), dir.toString(), big.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int commits = 0;
            String line;
            while (commits < 2 && (line = out.readLine()) != null) {
                if (line.startsWith("committed ")) commits++;
            }
            assertThat(commits).as("the child committed twice part way").isEqualTo(2);
            child.destroyForcibly();
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        int committed;
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).singleElement().satisfies(s -> assertThat(s.partial()).isTrue());
            committed = c.size();
            assertThat(committed).isGreaterThanOrEqualTo(60);
        }
        HashingEmbedder e = new HashingEmbedder();
        Ingestion.Report again;
        try (CollectionWriter w = CollectionWriter.open(dir, e, flat)) {
            again = new Ingestion(w, e, null).run(List.of(big));
            w.commit();
        }
        List<String> expected = freshContents(big);
        assertThat(contents(dir)).isEqualTo(expected).doesNotHaveDuplicates();
        assertThat(again.ingested()).isEqualTo(1);
        assertThat(again.chunksAdded()).isEqualTo(expected.size() - committed);
        assertThat(e.embedded.get()).as("only the part after the last commit is embedded").isEqualTo(expected.size() - committed);
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).singleElement().satisfies(s -> assertThat(s.partial()).isFalse());
        }
        assertThat(CollectionCheck.run(dir, true, 100).problems()).isEmpty();
    }

    @Test
    void aPartlyIngestedFileThatChangedIsIngestedAgainFromTheStart() throws Exception {
        Path dir = tmp.resolve("col");
        HashingEmbedder e = new HashingEmbedder();
        try (CollectionWriter w = CollectionWriter.open(dir, e, flat)) {
            new Ingestion(w, e, null, new Ingestion.Checkpoints(40, 3600)).run(List.of(big));
            // no final commit: the run stopped after its last checkpoint
        }
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).singleElement().satisfies(s -> assertThat(s.partial()).isTrue());
        }
        Files.writeString(big, "A different text now.\n" + Files.readString(big));
        try (CollectionWriter w = CollectionWriter.open(dir, e, flat)) {
            new Ingestion(w, e, null).run(List.of(big));
            w.commit();
        }
        assertThat(contents(dir)).isEqualTo(freshContents(big));
    }
}
