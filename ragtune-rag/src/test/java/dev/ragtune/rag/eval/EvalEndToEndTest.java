package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.PromptTemplate;
import dev.ragtune.rag.answer.SentenceScorer;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionSettings;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.CrossEncoderReranker;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole evaluation on real data: SQuAD v1.1 dev paragraphs of three articles ingested with the real
 * all-MiniLM-L6-v2, questions sampled evenly over them plus one whose text is an HTML injection, configurations rag
 * and rag+rerank (the tiny golden cross-encoder: random weights, so only the wiring is judged), the default
 * extractive answerer, and the four output files checked for content. The html is then opened in headless Chromium
 * when it is installed ({@code target/eval-report.png}).
 */
class EvalEndToEndTest {
    static final int QUESTIONS = 60;
    static final String INJECTION = "Which <script>alert('x')</script> team won Super Bowl 50 & why?";
    @TempDir static Path tmp;
    static Path out;
    static List<EvalQuestion> questions;
    static Evaluation.Run run;
    static EvalReport.Summary summary;
    static List<String> warnings = new ArrayList<>();

    @BeforeAll
    static void evaluate() throws IOException {
        SquadDataset all = TestData.load(TestData.SQUAD);
        Set<String> titles = Set.of("Super_Bowl_50", "Warsaw", "Normans");
        List<SquadDataset.Paragraph> ps = all.paragraphs().stream().filter(p -> titles.contains(p.title())).toList();
        List<SquadDataset.Question> qs = all.questions().stream()
                .filter(q -> titles.contains(q.paragraphId().substring(0, q.paragraphId().indexOf('#')))).toList();
        SquadDataset subset = new SquadDataset(ps, qs);
        Path corpus = tmp.resolve("corpus/squad-dev.jsonl");
        QuestionFile.writeSquadCorpus(subset, "squad-dev", corpus);

        List<EvalQuestion> pool = QuestionFile.fromSquad(subset).questions();
        questions = new ArrayList<>();
        for (int i = 0; i < QUESTIONS; i++) questions.add(pool.get(i * pool.size() / QUESTIONS));
        questions.add(new EvalQuestion("injection", INJECTION, List.of("Denver Broncos"), null, List.of("Super_Bowl_50#0")));
        questions.add(new EvalQuestion("absent-gold", "Who is the mayor of Warsaw?", List.of("Hanna Gronkiewicz-Waltz"),
                List.of("Warsaw#999#0"), null));

        Path dir = tmp.resolve("collection");
        out = tmp.resolve("out");
        try (OnnxEmbedder embedder = OnnxEmbedder.allMiniLmL6V2()) {
            try (CollectionWriter w = CollectionWriter.open(dir, embedder,
                    new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto"))) {
                assertThat(new Ingestion(w, embedder, null).run(List.of(corpus.getParent())).failed()).isZero();
                w.commit();
            }
            try (Collection c = Collection.open(dir);
                 CrossEncoderReranker reranker = CrossEncoderReranker.load(golden())) {
                Set<String> chunkIds = new HashSet<>(), docIds = new HashSet<>();
                for (StoredChunk sc : c.chunks()) {
                    chunkIds.add(sc.chunk().id());
                    docIds.add(sc.chunk().docId());
                }
                warnings.addAll(Evaluation.missingGold(questions, chunkIds, docIds));
                AskPipeline.Options options = new AskPipeline.Options(2, 20, RetrievalMode.HYBRID, SearchParams.DEFAULTS,
                        false, PromptTemplate.DEFAULT);
                Evaluation evaluation = new Evaluation(List.of(
                        new Evaluation.Config("rag+rerank", new AskPipeline(c, embedder, reranker,
                                new ExtractiveGenerator(embedder, SentenceScorer.byReranker(reranker))), options),
                        new Evaluation.Config("rag", new AskPipeline(c, embedder, null,
                                new ExtractiveGenerator(embedder, null)), options)));
                assertThat(evaluation.configNames()).containsExactly("rag", "rag+rerank");
                run = evaluation.run(questions, out.resolve("results.jsonl"), false, null);
            }
        }
        summary = EvalReport.summarize(run.results(), 2, new Bootstrap(1000, 7), warnings,
                Map.of("collection", "SQuAD v1.1 dev, 3 articles", "note", "<b>not bold</b>"));
        EvalReport.write(out, summary, run.results());
    }

    static Path golden() {
        try {
            return Path.of(EvalEndToEndTest.class.getResource("/golden/cross-encoder-tiny").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void resultsHoldOneLinePerQuestionAndConfigurationWithScoresInRange() throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertThat(lines).hasSize(questions.size() * 2);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode r = json.readTree(line);
            assertThat(r.get("config").asText()).isIn("rag", "rag+rerank");
            for (String m : List.of("em", "f1", "em_pt", "f1_pt")) assertThat(r.get(m).asDouble()).isBetween(0.0, 1.0);
            assertThat(r.get("error").isNull()).as(line).isTrue();
            assertThat(r.get("retrieved")).hasSize(2);
            assertThat(r.get("timings_ms").get("total").asDouble()).isPositive();
        }
        // the extractive answer is a sentence of a retrieved chunk; its F1 is recomputable from the line itself
        QuestionResult first = run.results().get(0);
        assertThat(first.f1()).isEqualTo(AnswerMetrics.f1(first.answer(), first.answers(), AnswerMetrics.Variant.SQUAD));
    }

    @Test
    void summaryHasTheMetricsOfBothConfigurationsAndTheirBootstrapDifferences() throws IOException {
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertThat(s.get("questions").asInt()).isEqualTo(questions.size());
        for (String c : List.of("rag", "rag+rerank")) {
            JsonNode m = s.get("metrics").get(c);
            assertThat(m.get("questions").asInt()).isEqualTo(questions.size());
            for (String f : List.of("em", "f1", "em_pt", "f1_pt", "hit_at_1", "hit_at_k", "mrr_at_k", "citation_precision")) {
                assertThat(m.get(f).asDouble()).as(c + " " + f).isBetween(0.0, 1.0);
            }
            assertThat(m.get("hit_at_k").asDouble()).isGreaterThanOrEqualTo(m.get("hit_at_1").asDouble());
            assertThat(m.get("mrr_at_k").asDouble()).isBetween(m.get("hit_at_1").asDouble(), m.get("hit_at_k").asDouble());
            assertThat(m.get("retrieval_questions").asInt()).isEqualTo(questions.size());
            assertThat(m.get("latency_ms").get("total").get("p95").asDouble())
                    .isGreaterThanOrEqualTo(m.get("latency_ms").get("total").get("p50").asDouble());
        }
        // MiniLM + BM25 over 140 paragraphs finds most SQuAD paragraphs in the top 2 (measured ≈ 0.85-0.9)
        assertThat(s.get("metrics").get("rag").get("hit_at_k").asDouble()).isGreaterThan(0.6);
        assertThat(s.get("metrics").get("rag").get("latency_ms").get("rerank").get("p95").asDouble()).isZero();
        assertThat(s.get("metrics").get("rag+rerank").get("latency_ms").get("rerank").get("p50").asDouble()).isPositive();
        assertThat(s.get("differences")).hasSize(5); // em, f1, em_pt, f1_pt, contains_gold
        for (JsonNode d : s.get("differences")) {
            assertThat(d.get("baseline").asText()).isEqualTo("rag");
            assertThat(d.get("candidate").asText()).isEqualTo("rag+rerank");
            assertThat(d.get("ci95_low").asDouble()).isLessThanOrEqualTo(d.get("mean").asDouble());
            assertThat(d.get("ci95_high").asDouble()).isGreaterThanOrEqualTo(d.get("mean").asDouble());
        }
        assertThat(s.get("helped").size() + s.get("hurt").size()).isPositive();
        assertThat(s.get("warnings").toString()).contains("1 question(s) name gold chunk ids").contains("Warsaw#999#0");
    }

    @Test
    void extractiveRunsReportContainmentGoldRanksAndWhyNoRagIsMissing() throws IOException {
        List<QuestionResult> rag = run.results().stream().filter(r -> r.config().equals("rag")).toList();
        assertThat(rag).allSatisfy(r -> {
            assertThat(r.mode()).isEqualTo("extractive");
            assertThat(r.containsGold()).isEqualTo(QuestionResult.containsGold(r.answer(), r.answers()));
        });
        long contains = rag.stream().filter(QuestionResult::containsGold).count();
        EvalReport.ConfigSummary c = summary.config("rag");
        assertThat(c.extractive()).isTrue();
        assertThat(c.containsGold()).isEqualTo(contains / (double) rag.size());
        // the distribution of gold ranks adds up to the retrieval questions, and hit@j is its running sum
        assertThat(c.goldRanks()).hasSize(3);
        assertThat(c.goldRanks().stream().mapToInt(Integer::intValue).sum()).isEqualTo(c.retrievalQuestions());
        assertThat(c.hitAt(1)).isEqualTo(c.hitAt1());
        assertThat(c.hitAt(2)).isEqualTo(c.hitAtK());
        long inPrompt = rag.stream().filter(r -> r.goldRank() != null && r.goldRank() >= 1).count();
        long containsInPrompt = rag.stream().filter(r -> r.goldRank() != null && r.goldRank() >= 1 && r.containsGold()).count();
        assertThat(c.containsGoldInPrompt()).isEqualTo(containsInPrompt / (double) inPrompt);
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("## No RAG").contains("the answers are extractive").contains("contains gold")
                .contains("## Where the gold passage was in the prompt").contains("gold rank 1");
        // ✓ marks containment for extractive answers: as many ✓ in the rag column as answers containing gold
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("class=\"chart hits\"").contains("<h2>No RAG</h2>");
        JsonNode m = new ObjectMapper().readTree(out.resolve("summary.json").toFile()).get("metrics").get("rag");
        assertThat(m.get("contains_gold").asDouble()).isEqualTo(c.containsGold());
        assertThat(m.get("gold_rank_counts").get("not_in_prompt").asInt()).isEqualTo(c.goldRanks().get(0));
    }

    @Test
    void recomputedMetricsMatchTheSummary() {
        List<QuestionResult> rag = run.results().stream().filter(r -> r.config().equals("rag")).toList();
        double hits = rag.stream().filter(r -> r.goldRank() != null && r.goldRank() >= 1).count();
        double f1 = rag.stream().mapToDouble(QuestionResult::f1).sum();
        assertThat(summary.config("rag").hitAtK()).isEqualTo(hits / rag.size());
        assertThat(summary.config("rag").f1()).isCloseTo(f1 / rag.size(), org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void markdownAndHtmlReportsShowChartsListsAndEscapeTheInjectedQuestion() throws IOException {
        String md = Files.readString(out.resolve("report.md"));
        assertThat(md).contains("| rag |").contains("| rag+rerank |").contains("Where rag+rerank helped")
                .contains("paired bootstrap").doesNotContain("<script>");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("<svg").contains("class=\"chart quality\"")
                .contains("class=\"chart latency\"").contains("Where rag+rerank helped").contains("Where rag+rerank hurt");
        assertThat(html).doesNotContain("<script").doesNotContain("<b>not bold</b>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; team won Super Bowl 50 &amp; why?")
                .contains("&lt;b&gt;not bold&lt;/b&gt;");
        // self-contained: no external stylesheet, image, font or script
        assertThat(html).doesNotContain("src=").doesNotContain("<link").doesNotContain("url(").doesNotContain("@import");
    }

    @Test
    void theHtmlReportRendersInHeadlessChromium() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "chromium is not installed (apt-get install -y chromium)");
        Path report = out.resolve("report.html").toAbsolutePath();
        Path png = Path.of("target", "eval-report.png").toAbsolutePath();
        Files.createDirectories(png.getParent());
        Files.deleteIfExists(png);
        String dom = chromium(chromium, "--dump-dom", report);
        // the parsed page: both charts, the escaped question as text, and no script element
        assertThat(dom).contains("<svg").contains("chart quality").contains("chart latency");
        assertThat(dom).contains("chart hits");
        assertThat(dom.split("<svg", -1).length - 1).isEqualTo(3);
        assertThat(dom).doesNotContain("<script>alert('x')</script> team").contains("&lt;script&gt;alert('x')&lt;/script&gt;");
        chromium(chromium, "--screenshot=" + png, report);
        assertThat(png).exists();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(10_000);
        assertThat(new String(head, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    private static String chromium(Path chromium, String action, Path page) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "chromium-profile");
        List<String> cmd = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1200,2000", action, page.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium-" + System.nanoTime() + ".log").toFile()).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        assertThat(p.exitValue()).as("chromium exit code").isZero();
        return new String(stdout, java.nio.charset.StandardCharsets.UTF_8);
    }
}
