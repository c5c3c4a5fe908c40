package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.eval.AnswerMetrics;
import dev.ragtune.rag.eval.SquadDataset;
import dev.ragtune.rag.index.FlatIndex;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.lexical.Bm25Index;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.testsupport.MiniLmTestEmbeddings;
import dev.ragtune.rag.testsupport.PrecomputedEmbedder;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Does the extractive answer contain the gold answer? Real questions (SQuAD v1.1 dev part 1, FaQuAD-pt train), each
 * retrieved by hybrid search over all paragraphs of its set (all-MiniLM-L6-v2 + BM25, default fusion, top 2 in the
 * prompt, as {@code ragtune ask} does). Counted only over questions whose gold paragraph is in the prompt. The
 * answerer's weights were tuned on the tuning slice (every 19th SQuAD question from 0, every 3rd FaQuAD question
 * from 0); the assertion is on the disjoint held-out slice (offset 10 for SQuAD, 1 for FaQuAD). Both are printed.
 */
class ExtractiveAnswerQualityTest {
    static final int K = 2;

    @TempDir
    Path tmp;

    /** Questions of one slice with their prompt contexts. */
    record Asked(SquadDataset.Question question, List<Context> contexts, boolean goldInPrompt) {}

    /** Containment over questions with the gold passage in the prompt, and the answers' mean length in sentences. */
    record Score(int questions, int goldInPrompt, int contains, double meanSentences) {
        double rate() {
            return goldInPrompt == 0 ? 0 : contains / (double) goldInPrompt;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d/%d = %.3f contain gold (of %d questions), %.2f sentences per answer",
                    contains, goldInPrompt, rate(), questions, meanSentences);
        }
    }

    static List<Asked> retrieve(SquadDataset set, List<SquadDataset.Question> questions, String language, Path dir)
            throws IOException {
        List<SquadDataset.Paragraph> ps = set.paragraphs();
        float[][] pv = MiniLmTestEmbeddings.embed(ps.stream().map(SquadDataset.Paragraph::text).collect(Collectors.toList()));
        float[][] qv = MiniLmTestEmbeddings.embed(questions.stream().map(SquadDataset.Question::text).collect(Collectors.toList()));
        int[] ids = new int[pv.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        List<Asked> out = new ArrayList<>();
        int depth = HybridFusion.candidatesFor(K);
        try (FlatIndex flat = new FlatIndex(pv[0].length); Bm25Index lexical = Bm25Index.open(dir)) {
            flat.add(ids, pv);
            for (int i = 0; i < ids.length; i++) lexical.add(i, ps.get(i).text(), language);
            for (int q = 0; q < questions.size(); q++) {
                float[] query = qv[q];
                List<Neighbor> top = HybridFusion.DEFAULT.fuse(flat.search(query, depth, SearchParams.DEFAULTS),
                        lexical.search(questions.get(q).text(), depth), K, id -> flat.score(query, id));
                List<Context> contexts = new ArrayList<>();
                boolean gold = false;
                for (Neighbor n : top) {
                    SquadDataset.Paragraph p = ps.get(n.id());
                    String text = p.text().strip().replaceAll("\\s+", " ");
                    Chunk chunk = new Chunk(p.id(), p.id(), "squad", 0, 0, p.text().length(), p.title(), p.text());
                    contexts.add(new Context(contexts.size() + 1, new Hit(contexts.size() + 1, n.id(), chunk, n.score()),
                            text, n.score(), Sentences.split(text).size(), 0));
                    gold |= p.id().equals(questions.get(q).paragraphId());
                }
                out.add(new Asked(questions.get(q), contexts, gold));
            }
        }
        return out;
    }

    /** Every text the answerer will embed: questions and the sentences of their contexts. */
    static List<String> textsOf(List<Asked> asked) {
        List<String> texts = new ArrayList<>();
        for (Asked a : asked) {
            texts.add(a.question().text());
            for (Context c : a.contexts()) texts.addAll(Sentences.split(c.text()));
        }
        return texts;
    }

    static Score score(List<Asked> asked, Generator generator, AnswerMetrics.Variant variant) {
        int gold = 0, contains = 0, sentences = 0;
        for (Asked a : asked) {
            Generation g = generator.generate(new GenerationRequest(a.question().text(), "", a.contexts()));
            sentences += Sentences.split(g.text()).size();
            if (!a.goldInPrompt()) continue;
            gold++;
            List<String> answers = a.question().answers().stream().map(SquadDataset.Answer::text).toList();
            if (AnswerMetrics.containsAnswer(g.text(), answers, variant)) contains++;
        }
        return new Score(asked.size(), gold, contains, sentences / (double) asked.size());
    }

    static List<SquadDataset.Question> slice(SquadDataset set, int stride, int offset) {
        List<SquadDataset.Question> out = new ArrayList<>();
        for (int i = offset; i < set.questions().size(); i += stride) out.add(set.questions().get(i));
        return out;
    }

    /** Both slices of both sets, answered by the generator {@code make} builds over a precomputed embedder. */
    Score[] run(Function<PrecomputedEmbedder, Generator> make) throws IOException {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        SquadDataset faquad = TestData.load(TestData.FAQUAD);
        List<Asked> squadTune = retrieve(squad, slice(squad, 19, 0), "en", tmp.resolve("s0"));
        List<Asked> squadHeld = retrieve(squad, slice(squad, 19, 10), "en", tmp.resolve("s1"));
        List<Asked> faquadTune = retrieve(faquad, slice(faquad, 3, 0), "pt", tmp.resolve("f0"));
        List<Asked> faquadHeld = retrieve(faquad, slice(faquad, 3, 1), "pt", tmp.resolve("f1"));
        List<String> texts = new ArrayList<>();
        for (List<Asked> l : List.of(squadTune, squadHeld, faquadTune, faquadHeld)) texts.addAll(textsOf(l));
        PrecomputedEmbedder embedder = new PrecomputedEmbedder(texts);
        try (Generator g = make.apply(embedder)) {
            return new Score[] {
                    score(squadTune, g, AnswerMetrics.Variant.SQUAD), score(squadHeld, g, AnswerMetrics.Variant.SQUAD),
                    score(faquadTune, g, AnswerMetrics.Variant.PORTUGUESE),
                    score(faquadHeld, g, AnswerMetrics.Variant.PORTUGUESE)};
        }
    }

    @Test
    void extractiveAnswersContainTheGoldAnswerWhenTheGoldPassageIsInThePrompt() throws IOException {
        Score[] s = run(e -> new ExtractiveGenerator(e, null));
        System.out.println("extractive SQuAD  tuning   slice: " + s[0]);
        System.out.println("extractive SQuAD  held-out slice: " + s[1]);
        System.out.println("extractive FaQuAD tuning   slice: " + s[2]);
        System.out.println("extractive FaQuAD held-out slice: " + s[3]);
        assertThat(s[1].rate()).as("SQuAD held-out containment").isGreaterThanOrEqualTo(0.85);
        assertThat(s[3].rate()).as("FaQuAD held-out containment").isGreaterThanOrEqualTo(0.85);
        assertThat(s[1].meanSentences()).as("SQuAD sentences per answer").isLessThanOrEqualTo(2.0);
        assertThat(s[3].meanSentences()).as("FaQuAD sentences per answer").isLessThanOrEqualTo(2.0);
    }
}
