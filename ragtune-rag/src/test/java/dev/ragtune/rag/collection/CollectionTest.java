package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.StoredChunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.testsupport.HashingEmbedder;

import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionTest {
    @TempDir Path tmp;
    Path dir;
    Path docs;
    HashingEmbedder embedder;
    final List<String> failures = new ArrayList<>();
    final Ingestion.Listener listener = new Ingestion.Listener() {
        @Override
        public void failed(Path file, String message) {
            failures.add(file.getFileName() + ": " + message);
        }
    };

    @BeforeEach
    void setUp() throws IOException {
        dir = tmp.resolve("col");
        docs = Files.createDirectories(tmp.resolve("docs"));
        embedder = new HashingEmbedder();
        Files.writeString(docs.resolve("l2.md"), "# Regularização\n\nA regularização L2 penaliza pesos grandes e reduz o overfitting.\n");
        Files.writeString(docs.resolve("relu.txt"), "The ReLU activation returns zero for negative inputs and the input otherwise.\n");
    }

    static CollectionSettings flat() {
        return new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto");
    }

    Ingestion.Report ingest(Path... paths) {
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            Ingestion.Report r = new Ingestion(w, embedder, listener).run(List.of(paths));
            w.commit();
            return r;
        }
    }

    static List<String> texts(Collection c) {
        return c.chunks().stream().map(s -> s.chunk().text()).toList();
    }

    @Test
    void progressAdvancesInsideOneBigFile() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 6000; i++) {
            text.append("Sentence number ").append(i).append(" talks about retrieval, chunking and embeddings.\n");
        }
        Path big = Files.writeString(docs.resolve("big.txt"), text.toString());
        long size = Files.size(big);
        List<Long> bytes = new ArrayList<>();
        Ingestion.Listener watching = new Ingestion.Listener() {
            @Override
            public void progress(int filesDone, int files, long chunks, long bytesDone, long bytesTotal, String current) {
                bytes.add(bytesDone);
            }
        };
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            new Ingestion(w, embedder, watching).run(List.of(big));
            w.commit();
        }
        List<Long> inside = bytes.stream().filter(b -> b > 0 && b < size).toList();
        assertThat(inside).as("progress reports within the file, of " + bytes).hasSizeGreaterThanOrEqualTo(2);
        assertThat(inside).isSorted();
        assertThat(bytes.get(bytes.size() - 1)).isEqualTo(size);
    }

    @Test
    void ingestedChunksAreFoundAfterReopeningWithoutEmbeddingAgain() {
        Ingestion.Report r = ingest(docs);
        assertThat(r.ingested()).isEqualTo(2);
        int embeddedByIngest = embedder.embedded.get();
        assertThat(embeddedByIngest).isEqualTo(r.chunksAdded());
        try (Collection c = Collection.open(dir)) {
            assertThat(c.size()).isEqualTo(2);
            assertThat(c.manifest().embedder().id()).isEqualTo("test/hashing-64");
            assertThat(c.manifest().documents()).isEqualTo(2);
            SearchResult bm25 = c.search("overfitting", RetrievalMode.BM25, 1, 10, SearchParams.DEFAULTS, null);
            assertThat(bm25.hits()).extracting(h -> h.chunk().docId()).containsExactly("l2.md");
            SearchResult dense = c.search("zero for negative inputs", RetrievalMode.DENSE, 1, 10, SearchParams.DEFAULTS, embedder);
            assertThat(dense.hits().get(0).chunk().docId()).isEqualTo("relu.txt");
            Hit h = bm25.hits().get(0);
            assertThat(h.chunk().title()).isEqualTo("Regularização");
            assertThat(c.vector(h.ordinal())).hasSize(64);
        }
        assertThat(embedder.embedded.get()).isEqualTo(embeddedByIngest + 1); // only the dense query
    }

    @Test
    void unchangedFileIsSkippedAndChangedFileReplacesItsChunks() throws IOException {
        ingest(docs);
        Ingestion.Report again = ingest(docs);
        assertThat(again.unchanged()).isEqualTo(2);
        assertThat(again.ingested()).isZero();

        Files.writeString(docs.resolve("l2.md"), "# Dropout\n\nDropout desliga neurônios ao acaso durante o treino.\n");
        Ingestion.Report changed = ingest(docs);
        assertThat(changed.ingested()).isEqualTo(1);
        assertThat(changed.unchanged()).isEqualTo(1);
        assertThat(changed.chunksReplaced()).isEqualTo(1);
        try (Collection c = Collection.open(dir)) {
            assertThat(String.join(" ", texts(c))).contains("Dropout desliga").doesNotContain("penaliza pesos");
            assertThat(c.search("penaliza pesos", RetrievalMode.BM25, 5, 10, SearchParams.DEFAULTS, null).hits())
                    .extracting(x -> x.chunk().docId()).doesNotContain("l2.md");
            assertThat(c.size()).isEqualTo(2);
            // ordinals are never reused: the replaced chunk got a new one
            assertThat(c.chunks()).extracting(StoredChunk::ordinal).containsExactlyInAnyOrder(1, 2);
        }
    }

    @Test
    void removingASourceDropsItsChunksFromEveryIndex() {
        ingest(docs);
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            assertThat(w.remove(docs.resolve("relu.txt").toAbsolutePath().normalize().toString())).isTrue();
            assertThat(w.remove("/no/such/file")).isFalse();
            w.commit();
        }
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).hasSize(1);
            assertThat(c.search("ReLU negative", RetrievalMode.BM25, 5, 10, SearchParams.DEFAULTS, null).hits()).isEmpty();
            assertThat(c.search("ReLU negative", RetrievalMode.HYBRID, 5, 10, SearchParams.DEFAULTS, embedder).hits())
                    .extracting(x -> x.chunk().docId()).containsExactly("l2.md");
        }
    }

    @Test
    void aSecondWriterIsToldToWaitWhileTheFirstHoldsTheLock() {
        try (CollectionWriter first = CollectionWriter.open(dir, embedder, flat())) {
            assertThatThrownBy(() -> CollectionWriter.open(dir, embedder, flat()))
                    .isInstanceOf(CollectionException.class)
                    .hasMessageContaining("being written by another ragtune process")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        try (CollectionWriter again = CollectionWriter.open(dir, embedder, flat())) {
            assertThat(again.manifest().generation()).isZero();
        }
    }

    @Test
    void aSecondProcessIsToldToWaitWhileAnotherProcessIngests() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.equals("locked"));
            assertThat(line).as("the child took the lock").isEqualTo("locked");
            assertThatThrownBy(() -> CollectionWriter.open(dir, embedder, flat()))
                    .isInstanceOf(CollectionException.class)
                    .hasMessageContaining("being written by another ragtune process (pid " + child.pid() + ")");
        } finally {
            child.getOutputStream().close();
            assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            assertThat(w.manifest().generation()).isZero();
        }
    }

    @Test
    void aBadFileIsReportedWhileTheOthersGoIn() throws IOException {
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        Files.write(docs.resolve("junk.txt"), junk);
        Ingestion.Report r = ingest(docs);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.ingested()).isEqualTo(2);
        assertThat(failures).singleElement().asString().startsWith("junk.txt");
        try (Collection c = Collection.open(dir)) {
            assertThat(c.sources()).hasSize(2);
        }
    }

    @Test
    void anAbortedWriteLeavesTheCommittedGenerationIntact() throws IOException {
        ingest(docs.resolve("l2.md"));
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            new Ingestion(w, embedder, listener).run(List.of(docs.resolve("relu.txt")));
            // no commit: e.g. the process was interrupted
        }
        try (Collection c = Collection.open(dir)) {
            assertThat(c.manifest().generation()).isEqualTo(1);
            assertThat(c.sources()).hasSize(1);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".2"));
        }
    }

    @Test
    void aReaderKeepsSearchingWhileAWriterCommitsNewGenerations() throws IOException {
        ingest(docs.resolve("l2.md"));
        try (Collection reader = Collection.open(dir)) {
            ingest(docs.resolve("relu.txt"));
            Files.writeString(docs.resolve("l2.md"), "Weight decay is L2 regularization in disguise.\n");
            ingest(docs.resolve("l2.md"));
            assertThat(reader.search("overfitting", RetrievalMode.HYBRID, 1, 10, SearchParams.DEFAULTS, embedder).hits())
                    .extracting(h -> h.chunk().docId()).containsExactly("l2.md");
            assertThat(reader.manifest().generation()).isEqualTo(1);
        }
        try (Collection now = Collection.open(dir)) {
            assertThat(now.manifest().generation()).isEqualTo(3);
            assertThat(now.size()).isEqualTo(2);
        }
    }

    @Test
    void aTruncatedVectorFileIsAClearErrorNamingIt() throws IOException {
        ingest(docs);
        Path vectors = dir.resolve("vectors.1.f32");
        try (RandomAccessFile f = new RandomAccessFile(vectors.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        assertThatThrownBy(() -> Collection.open(dir))
                .isInstanceOf(CollectionException.class)
                .hasMessageContaining(vectors.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void aCollectionMadeWithAnotherEmbedderIsRefused() {
        ingest(docs);
        HashingEmbedder other = new HashingEmbedder("test/other-128", 128);
        assertThatThrownBy(() -> CollectionWriter.open(dir, other, flat()))
                .isInstanceOf(CollectionException.class)
                .hasMessageContaining("test/hashing-64").hasMessageContaining("dimension 64");
        try (Collection c = Collection.open(dir)) {
            assertThatThrownBy(() -> c.search("x", RetrievalMode.DENSE, 1, 1, SearchParams.DEFAULTS, other))
                    .isInstanceOf(CorpusException.class).hasMessageContaining("--embedder");
        }
    }

    @Test
    void aMissingCollectionSaysHowToMakeOne() throws IOException {
        assertThatThrownBy(() -> Collection.open(tmp.resolve("nope")))
                .isInstanceOf(CollectionException.class).hasMessageContaining("does not exist")
                .hasMessageContaining("ragtune ingest");
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> Collection.open(tmp.resolve("empty")))
                .isInstanceOf(CollectionException.class).hasMessageContaining("no manifest.json");
    }

    @Test
    void reindexingChangesTheIndexKindWithoutEmbeddingAgain() throws IOException {
        ingest(docs);
        int before = embedder.embedded.get();
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat())) {
            w.reindex(new Manifest.IndexInfo("flat", Map.of()));
            w.commit();
        }
        assertThat(embedder.embedded.get()).isEqualTo(before);
        try (Collection c = Collection.open(dir)) {
            assertThat(c.size()).isEqualTo(2);
            assertThat(Files.readString(dir.resolve("manifest.json"), StandardCharsets.UTF_8)).contains("\"generation\" : 2");
        }
    }
}
