package dev.ragtune.rag.collection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same files give the same BM25 scores however the collection got there: documents removed or replaced along
 * the way must not linger in the statistics (document count, average length, document frequencies).
 */
class HistoryIndependentScoringTest {
    static final List<String> QUERIES = List.of("LoRA adapter rank", "modelo pré-treinado tokenizador", "training loop",
            "attention heads", "dados de treino");
    @TempDir Path tmp;
    final HashingEmbedder embedder = new HashingEmbedder();
    final CollectionSettings flat = new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto");

    void ingest(Path dir, Path... paths) {
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, flat)) {
            new Ingestion(w, embedder, null).run(List.of(paths));
            w.commit();
        }
    }

    /** chunk id → BM25 score, for every query's top 50. */
    Map<String, Float> scores(Path dir) {
        Map<String, Float> out = new TreeMap<>();
        try (Collection c = Collection.open(dir)) {
            for (String q : QUERIES) {
                for (Hit h : c.search(q, RetrievalMode.BM25, 50, 50, SearchParams.DEFAULTS, null).hits()) {
                    out.put(q + " | " + h.chunk().id(), (float) h.score());
                }
            }
        }
        return out;
    }

    @Test
    void afterRemovingAndReplacingFilesBm25ScoresEqualAFreshCollections() throws Exception {
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        for (String f : List.of("peft-quicktour.md", "hf-course-pt-chapter1-5.mdx", "hf-course-pt-chapter2-1.mdx")) {
            Files.copy(Path.of(getClass().getResource("/docs/" + f).toURI()), docs.resolve(f));
        }
        Path fresh = tmp.resolve("fresh");
        ingest(fresh, docs);

        Path lived = tmp.resolve("lived");
        Path extra = Files.writeString(tmp.resolve("extra.md"), "# Extra\n\nLoRA adapter rank training loop attention "
                + "heads modelo pré-treinado dados de treino. ".repeat(30));
        ingest(lived, docs, extra);
        Path peft = docs.resolve("peft-quicktour.md");
        String original = Files.readString(peft);
        Files.writeString(peft, original + "\n\nLoRA adapter rank, once more: LoRA LoRA adapter.\n");
        ingest(lived, docs);
        Files.writeString(peft, original);
        ingest(lived, docs);
        try (CollectionWriter w = CollectionWriter.open(lived, embedder, flat)) {
            assertThat(w.remove(extra.toAbsolutePath().normalize().toString())).isTrue();
            w.commit();
        }

        Map<String, Float> expected = scores(fresh);
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(scores(lived)).isEqualTo(expected);
    }

    @Test
    void removingAFileThatSharedASegmentGivesTheScoresOfACollectionThatNeverHadIt() throws IOException {
        // one history that only removes: the statistics fall back to those of the files that remain
        Path a = Files.writeString(tmp.resolve("a.md"), "# A\n\nattention heads attend to tokens.\n");
        Path b = Files.writeString(tmp.resolve("b.md"), "# B\n\nattention attention attention everywhere.\n");
        Path only = tmp.resolve("only");
        ingest(only, a);
        Path both = tmp.resolve("both");
        ingest(both, a, b);
        try (CollectionWriter w = CollectionWriter.open(both, embedder, flat)) {
            w.remove(b.toAbsolutePath().normalize().toString());
            w.commit();
        }
        assertThat(scores(both)).isEqualTo(scores(only)).isNotEmpty();
    }
}
