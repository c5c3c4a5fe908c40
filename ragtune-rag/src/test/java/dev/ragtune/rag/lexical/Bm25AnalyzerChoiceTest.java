package dev.ragtune.rag.lexical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.eval.RetrievalMetrics;
import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement behind the analyzers {@link Bm25Index} uses: on FaQuAD (Brazilian Portuguese) BM25 with Lucene's
 * BrazilianAnalyzer (the one used) against PortugueseAnalyzer and the language-neutral StandardAnalyzer; on SQuAD, EnglishAnalyzer
 * against StandardAnalyzer.
 */
class Bm25AnalyzerChoiceTest {
    @TempDir
    Path tmp;

    private RetrievalMetrics bm25(SquadDataset set, int maxQuestions, String language, Analyzer portuguese, String dir)
            throws IOException {
        List<List<String>> ranked = new ArrayList<>();
        List<String> gold = new ArrayList<>();
        try (Bm25Index index = Bm25Index.open(tmp.resolve(dir), portuguese)) {
            for (int i = 0; i < set.paragraphs().size(); i++) index.add(i, set.paragraphs().get(i).text(), language);
            for (SquadDataset.Question q : set.questions().stream().limit(maxQuestions).collect(Collectors.toList())) {
                ranked.add(index.search(q.text(), 10).stream().map(n -> set.paragraphs().get(n.id()).id())
                        .collect(Collectors.toList()));
                gold.add(q.paragraphId());
            }
        }
        return RetrievalMetrics.of(ranked, gold);
    }

    private static void print(String what, RetrievalMetrics m) {
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.3f |%n", what, m.hitAt1(), m.hitAt5(), m.mrr());
    }

    @Test
    void brazilianAnalyzerBeatsPortugueseAndStandardOnFaquad() throws IOException {
        SquadDataset faquad = TestData.load(TestData.FAQUAD);
        RetrievalMetrics pt = bm25(faquad, Integer.MAX_VALUE, "pt", new PortugueseAnalyzer(), "pt");
        RetrievalMetrics br = bm25(faquad, Integer.MAX_VALUE, "pt", new BrazilianAnalyzer(), "br");
        RetrievalMetrics std = bm25(faquad, Integer.MAX_VALUE, "xx", new PortugueseAnalyzer(), "std");
        print("FaQuAD BM25 PortugueseAnalyzer", pt);
        print("FaQuAD BM25 BrazilianAnalyzer", br);
        print("FaQuAD BM25 StandardAnalyzer", std);
        assertThat(br.hitAt1()).isGreaterThan(pt.hitAt1()).isGreaterThan(std.hitAt1());
        assertThat(br.hitAt5()).isGreaterThanOrEqualTo(std.hitAt5());
    }

    @Test
    void englishAnalyzerBeatsStandardOnSquad() throws IOException {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        RetrievalMetrics en = bm25(squad, 1000, "en", new PortugueseAnalyzer(), "en");
        RetrievalMetrics std = bm25(squad, 1000, "xx", new PortugueseAnalyzer(), "std");
        print("SQuAD BM25 EnglishAnalyzer", en);
        print("SQuAD BM25 StandardAnalyzer", std);
        assertThat(en.hitAt1()).isGreaterThan(std.hitAt1());
        assertThat(en.hitAt5()).isGreaterThan(std.hitAt5());
    }
}
