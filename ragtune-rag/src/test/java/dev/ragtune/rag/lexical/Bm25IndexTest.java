package dev.ragtune.rag.lexical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import dev.ragtune.rag.index.Neighbor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Bm25IndexTest {
    @TempDir
    Path dir;

    /** Lucene's BM25 (no (k1+1) factor): idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)). */
    private static double bm25(int tf, int dl, double avgdl, int docs, int docsWithTerm) {
        double idf = Math.log(1 + (docs - docsWithTerm + 0.5) / (docsWithTerm + 0.5));
        return idf * tf / (tf + 1.2 * (1 - 0.75 + 0.75 * dl / avgdl));
    }

    @Test
    void scoresMatchTheBm25FormulaComputedByHand() throws IOException {
        try (Bm25Index index = Bm25Index.open(dir)) {
            // language "xx": StandardAnalyzer, no stemming, no stop words; lengths 3, 5, 2 tokens
            index.add(10, "apple banana cherry", "xx");
            index.add(11, "apple apple date elderberry fig", "xx");
            index.add(12, "grape honeydew", "xx");
            double avgdl = (3 + 5 + 2) / 3.0;
            List<Neighbor> hits = index.search("apple", 10);
            assertThat(hits).extracting(Neighbor::id).containsExactly(11, 10);
            assertThat((double) hits.get(0).score()).isCloseTo(bm25(2, 5, avgdl, 3, 2), offset(1e-5));
            assertThat((double) hits.get(1).score()).isCloseTo(bm25(1, 3, avgdl, 3, 2), offset(1e-5));
            List<Neighbor> two = index.search("banana honeydew", 10);
            assertThat(two).extracting(Neighbor::id).containsExactly(12, 10);
            assertThat((double) two.get(0).score()).isCloseTo(bm25(1, 2, avgdl, 3, 1), offset(1e-5));
        }
    }

    @Test
    void englishDocumentsAreStemmedAndStopWordsIgnored() throws IOException {
        try (Bm25Index index = Bm25Index.open(dir)) {
            index.add(1, "The engine runs the connected services", "en");
            index.add(2, "A quiet garden with flowers", "en");
            assertThat(index.search("running connection", 5)).extracting(Neighbor::id).containsExactly(1);
            assertThat(index.search("the", 5)).isEmpty();
        }
    }

    @Test
    void portugueseDocumentsAreStemmedInTheirOwnField() throws IOException {
        try (Bm25Index index = Bm25Index.open(dir)) {
            index.add(1, "As universidades federais oferecem cursos de graduação", "pt");
            index.add(2, "University courses are offered online", "en");
            index.add(3, "O estudante matriculado recebe a carteira", "pt-BR");
            assertThat(index.search("universidade federal", 5)).extracting(Neighbor::id).containsExactly(1);
            assertThat(index.search("estudantes matriculados", 5)).extracting(Neighbor::id).containsExactly(3);
            assertThat(index.search("universities", 5)).extracting(Neighbor::id).containsExactly(2);
        }
    }

    @Test
    void removeReplaceAndReopenKeepTheLatestState() throws IOException {
        try (Bm25Index index = Bm25Index.open(dir)) {
            index.add(1, "alpha beta", "xx");
            index.add(2, "alpha gamma", "xx");
            index.add(3, "delta", "xx");
            index.remove(new int[] {2, 99});
            index.add(3, "alpha epsilon", "xx"); // replaces document 3
            assertThat(index.size()).isEqualTo(2);
            assertThat(index.search("alpha", 5)).extracting(Neighbor::id).containsExactlyInAnyOrder(1, 3);
            assertThat(index.search("delta", 5)).isEmpty();
        }
        try (Bm25Index reopened = Bm25Index.open(dir)) {
            assertThat(reopened.size()).isEqualTo(2);
            assertThat(reopened.search("epsilon", 5)).extracting(Neighbor::id).containsExactly(3);
            assertThat(reopened.search("gamma", 5)).isEmpty();
        }
    }

    @Test
    void badArgumentsAreRejected() throws IOException {
        try (Bm25Index index = Bm25Index.open(dir)) {
            assertThatThrownBy(() -> index.add(-1, "x", "en")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> index.search("x", 0)).isInstanceOf(IllegalArgumentException.class);
            assertThat(index.search("anything", 3)).isEmpty();
        }
    }
}
