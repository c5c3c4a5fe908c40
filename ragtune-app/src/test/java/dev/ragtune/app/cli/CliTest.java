package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI end to end on the bundled demo documents (docs/demo) with the real all-MiniLM-L6-v2. */
public class CliTest {
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir static Path tmp;
    static Path collection;
    static Path lecture;

    /** Exit code and what a command printed. */
    public record Run(int code, String out, String err) {}

    /** Runs the ragtune command line with these arguments, capturing its output. */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void ingest() throws IOException {
        Path demo = Path.of("..", "docs", "demo").toAbsolutePath().normalize();
        lecture = tmp.resolve("aula-redes-neurais.jsonl");
        Files.copy(demo.resolve("aula-redes-neurais.jsonl"), lecture);
        Files.copy(demo.resolve("peft-quicktour.md"), tmp.resolve("peft-quicktour.md"));
        collection = tmp.resolve("col");
        Run r = run("ingest", "--collection", collection.toString(), lecture.toString(), tmp.resolve("peft-quicktour.md").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("2 file(s) ingested").contains("5 documents");
    }

    @Test
    void searchPrintsJsonHitsWithSourcesAndTimings() throws IOException {
        Run r = run("search", "--collection", collection.toString(), "-k", "2", "--json", "Como reduzir overfitting?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("mode").asText()).isEqualTo("hybrid");
        assertThat(j.get("hits")).hasSize(2);
        JsonNode top = j.get("hits").get(0);
        assertThat(top.get("rank").asInt()).isEqualTo(1);
        assertThat(top.get("chunk_id").asText()).isEqualTo("aula/regularizacao-l2#0");
        assertThat(top.get("doc_id").asText()).isEqualTo("aula/regularizacao-l2");
        assertThat(top.get("source").asText()).endsWith("aula-redes-neurais.jsonl");
        assertThat(top.get("text").asText()).contains("regularização L2");
        assertThat(j.get("timings_ms").get("total").asDouble()).isGreaterThanOrEqualTo(j.get("timings_ms").get("embed").asDouble());
    }

    @Test
    void searchAndAskFilterBySourceFileNameAndDocument() throws IOException {
        Run r = run("search", "--collection", collection.toString(), "-k", "3", "--json", "--source", "peft-quicktour.md",
                "Como reduzir overfitting?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode hits = JSON.readTree(r.out()).get("hits");
        assertThat(hits).isNotEmpty();
        hits.forEach(h -> assertThat(h.get("source").asText()).endsWith("peft-quicktour.md"));

        Run d = run("search", "--collection", collection.toString(), "-k", "3", "--json", "--doc", "aula/relu",
                "Como reduzir overfitting?");
        assertThat(d.code()).as(d.err()).isZero();
        JsonNode only = JSON.readTree(d.out()).get("hits");
        assertThat(only).hasSize(1);
        assertThat(only.get(0).get("doc_id").asText()).isEqualTo("aula/relu");

        Run a = run("ask", "--collection", collection.toString(), "--json", "--doc", "aula/relu", "What does ReLU return?");
        assertThat(a.code()).as(a.err()).isZero();
        JSON.readTree(a.out()).get("citations").forEach(c -> assertThat(c.get("chunk_id").asText()).startsWith("aula/relu#"));
    }

    @Test
    void shardsAndReplicasOnALocalFolderAreAUsageErrorNotIgnored() {
        Run r = run("ingest", "--collection", tmp.resolve("never-made").toString(), "--shards", "2", lecture.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--shards and --replicas are for SolrCloud collections");
        assertThat(tmp.resolve("never-made")).doesNotExist();
    }

    @Test
    void aCollectionUriNoBackendServesIsOneLineNamingIt() {
        Run r = run("search", "--collection", "nosuch://host:1/docs", "ReLU");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(r.err()).contains("nosuch://host:1/docs").doesNotContain("Exception");
    }

    @Test
    void searchTakesConvexAndRrfFusionAndRejectsAMalformedOneInOneLine() throws IOException {
        for (String fusion : List.of("convex:0.3", "rrf:60")) {
            Run r = run("search", "--collection", collection.toString(), "-k", "1", "--fusion", fusion, "--json",
                    "Como reduzir overfitting?");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(JSON.readTree(r.out()).get("hits").get(0).get("chunk_id").asText()).isEqualTo("aula/regularizacao-l2#0");
        }
        // RRF scores are sums of 1 / (60 + rank): the top hit, first in both lists, scores 2/61
        Run rrf = run("search", "--collection", collection.toString(), "-k", "1", "--fusion", "rrf:60", "--json",
                "Como reduzir overfitting?");
        assertThat(JSON.readTree(rrf.out()).get("hits").get(0).get("score").asDouble()).isCloseTo(2.0 / 61,
                org.assertj.core.api.Assertions.within(1e-6));
        Run bad = run("search", "--collection", collection.toString(), "--fusion", "convex:2", "x");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("--fusion").contains("convex:W").contains("rrf:K").doesNotContain("Exception");
    }

    @Test
    void askReportsTheEvidenceSentenceAndItsScore() throws IOException {
        Run r = run("ask", "--collection", collection.toString(), "--json", "Which function creates a PeftModel?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("answer").asText()).contains("get_peft_model");
        assertThat(j.get("evidence").get("sentence").asText()).contains("get_peft_model");
        assertThat(j.get("evidence").get("score").asDouble()).isPositive();
        Run text = run("ask", "--collection", collection.toString(), "--fusion", "rrf:30", "Which function creates a PeftModel?");
        assertThat(text.out()).contains("Evidence: [").contains("get_peft_model");
    }

    @Test
    void queriesFileGivesOneJsonLinePerQueryAndReportsBadLines() throws IOException {
        Path q = tmp.resolve("queries.jsonl");
        Files.writeString(q, "{\"id\":\"q1\",\"query\":\"ReLU\"}\nnot json\n{\"id\":\"q2\",\"query\":\"LoRA adapter\"}\n");
        Run r = run("search", "--collection", collection.toString(), "--mode", "bm25", "-k", "1", "--queries", q.toString());
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).get("id").asText()).isEqualTo("q1");
        assertThat(JSON.readTree(lines.get(0)).get("hits").get(0).get("chunk_id").asText()).isEqualTo("aula/relu#0");
        assertThat(r.err()).contains("queries.jsonl:2: not JSON, skipped");
        assertThat(r.err().lines().filter(l -> l.contains("queries.jsonl")).toList()).hasSize(1);
        assertThat(r.err()).doesNotContain("[Source:"); // Jackson's location, a second line, is left out
    }

    @Test
    void queriesFileSearchedInBatchesGivesWhatEachQueryAloneGives() throws IOException {
        String[] texts = {"Como reduzir overfitting?", "ReLU", "Which function creates a PeftModel?",
                "What does the rank of LoRA control?", "regularização L2", "dropout"};
        StringBuilder file = new StringBuilder();
        int n = SearchCommand.BATCH + 44; // a full batch and a partial one
        for (int i = 0; i < n; i++) {
            file.append("{\"id\":\"q").append(i).append("\",\"query\":\"").append(texts[i % texts.length]).append("\"}\n");
        }
        Path q = tmp.resolve("many.jsonl");
        Files.writeString(q, file);
        for (String mode : List.of("dense", "hybrid")) {
            Run all = run("search", "--collection", collection.toString(), "--mode", mode, "-k", "3", "--queries",
                    q.toString());
            assertThat(all.code()).as(all.err()).isZero();
            List<String> lines = all.out().lines().toList();
            assertThat(lines).hasSize(n);
            JsonNode[] alone = new JsonNode[texts.length];
            for (int t = 0; t < texts.length; t++) {
                Run one = run("search", "--collection", collection.toString(), "--mode", mode, "-k", "3", "--json",
                        texts[t]);
                assertThat(one.code()).as(one.err()).isZero();
                alone[t] = JSON.readTree(one.out()).get("hits");
            }
            for (int i = 0; i < n; i++) {
                JsonNode line = JSON.readTree(lines.get(i));
                assertThat(line.get("id").asText()).isEqualTo("q" + i);
                JsonNode hits = line.get("hits");
                JsonNode expected = alone[i % texts.length];
                assertThat(hits).as("%s line %d", mode, i).hasSameSizeAs(expected);
                for (int h = 0; h < hits.size(); h++) {
                    assertThat(hits.get(h).get("chunk_id").asText()).isEqualTo(expected.get(h).get("chunk_id").asText());
                    assertThat(hits.get(h).get("score").asDouble()).isCloseTo(expected.get(h).get("score").asDouble(),
                            org.assertj.core.api.Assertions.within(1e-4));
                }
            }
        }
    }

    @Test
    void aQueriesFileWithNoQueryOrThatIsMissingFailsInOneLine() throws IOException {
        Path q = tmp.resolve("noquery.jsonl");
        Files.writeString(q, "{\"id\":\"a\"}\n");
        Run none = run("search", "--collection", collection.toString(), "--queries", q.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.out()).isEmpty();
        assertThat(none.err()).contains("noquery.jsonl:1: no \"query\" field, skipped")
                .contains("holds no query to search");
        Run missing = run("search", "--collection", collection.toString(), "--queries", tmp.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err().strip()).doesNotContain("\n").startsWith("ragtune search: no such file: ")
                .endsWith("nope.jsonl (check the path)");
    }

    @Test
    void int8WeightsWithoutAModelAreRefusedInsteadOfIgnored() {
        Run r = run("ask", "--collection", collection.toString(), "--weights", "int8", "What is ReLU?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).isEqualTo("ragtune ask: --weights int8 needs --model: without a model the answer "
                + "is extractive and has no weights to quantize");
    }

    @Test
    void anOptionValueOfTheWrongTypeIsOneLineSayingWhereTheUsageIs() {
        Run r = run("search", "--collection", collection.toString(), "-k", "abc", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("Usage:")
                .startsWith("ragtune search: Invalid value for option '-k'").endsWith("(see 'ragtune search --help')");
        Run bench = run("bench", "retrieval", "--vectors", "v.fvecs", "--queries", "q.fvecs", "--n", "abc");
        assertThat(bench.err().strip()).doesNotContain("\n").endsWith("(see 'ragtune bench retrieval --help')");
    }

    @Test
    void askAnswersExtractivelyWithTheCitationAndTimingsInJson() throws IOException {
        Run r = run("ask", "--collection", collection.toString(), "--json", "Como reduzir overfitting em redes neurais?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("mode").asText()).isEqualTo("extractive");
        assertThat(j.get("answer").asText()).contains("regularização L2");
        assertThat(j.get("citations").get(0).get("chunk_id").asText()).isEqualTo("aula/regularizacao-l2#0");
        assertThat(j.get("contexts")).hasSize(2);
        for (String stage : List.of("embed", "search", "rerank", "generate", "total")) {
            assertThat(j.get("timings_ms").has(stage)).as(stage).isTrue();
        }
    }

    @Test
    void searchAndAskRefuseOutOfBoundsValuesWithTheSameBoundsAsTheServer() {
        Run huge = run("search", "--collection", collection.toString(), "-k", "2147483647", "x");
        assertThat(huge.code()).isEqualTo(2);
        assertThat(huge.err().lines().findFirst().orElse("")).contains("-k must be between 1 and 50, was 2147483647");
        assertThat(huge.err()).doesNotContain("Exception").doesNotContain("\tat ");
        Run candidates = run("search", "--collection", collection.toString(), "--candidates", "201", "x");
        assertThat(candidates.err().lines().findFirst().orElse("")).contains("--candidates must be between 1 and 200");
        Run askK = run("ask", "--collection", collection.toString(), "-k", "51", "x");
        assertThat(askK.code()).isEqualTo(2);
        assertThat(askK.err().lines().findFirst().orElse("")).contains("-k must be between 1 and 50");
        Run longQ = run("ask", "--collection", collection.toString(), "x".repeat(2001));
        assertThat(longQ.err().lines().findFirst().orElse("")).contains("2001 characters; at most 2000");
    }

    @Test
    void askJsonKeepsItsFieldsNowThatTheApiRecordWritesThem() throws IOException {
        JsonNode j = JSON.readTree(run("ask", "--collection", collection.toString(), "--json", "O que é ReLU?").out());
        List<String> keys = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("question", "answer", "mode", "generator", "attribution", "citations",
                "contexts", "prompt", "prompt_tokens", "compressed", "timings_ms", "warnings", "evidence");
        List<String> ctx = new java.util.ArrayList<>();
        j.get("contexts").get(0).fieldNames().forEachRemaining(ctx::add);
        assertThat(ctx).containsExactly("n", "chunk_id", "source", "page", "score", "text", "kept_sentences",
                "dropped_sentences");
    }

    static String tinyT5() {
        try {
            return Path.of(CliTest.class.getResource("/t5-tiny-with-tokenizer").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void askWithAT5ModelPromptsItWithTheLectureTemplateAndAnswersWhatGenerateGivesForThatPrompt() throws IOException {
        Run r = run("ask", "--collection", collection.toString(), "--model", tinyT5(), "--max-new-tokens", "8", "--json",
                "Como reduzir overfitting em redes neurais?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("mode").asText()).isEqualTo("generative");
        String prompt = j.get("prompt").asText();
        assertThat(prompt).startsWith("Use apenas o contexto dado para responder com objetividade.")
                .contains("\n[1] A regularização L2").contains("\n[2] ")
                .endsWith("Pergunta: Como reduzir overfitting em redes neurais?\nResposta:");
        assertThat(j.get("attribution").asText()).isIn("cited", "overlap", "none");
        assertThat(j.get("timings_ms").get("generate").asDouble()).isPositive();
        Run g = run("generate", "--model", tinyT5(), "--max-new-tokens", "8", "--json", prompt);
        assertThat(g.code()).as(g.err()).isZero();
        assertThat(j.get("answer").asText()).isEqualTo(JSON.readTree(g.out()).get("text").asText().strip());

        Run noRag = run("ask", "--no-rag", "--model", tinyT5(), "--max-new-tokens", "8", "--json", "Como reduzir overfitting?");
        assertThat(noRag.code()).as(noRag.err()).isZero();
        JsonNode n = JSON.readTree(noRag.out());
        assertThat(n.get("mode").asText()).isEqualTo("no-rag");
        assertThat(n.get("contexts")).isEmpty();
        assertThat(n.get("prompt").asText()).isEqualTo("Responda com objetividade.\n\nPergunta: Como reduzir overfitting?\nResposta:");
    }

    @Test
    void askWithALoraAdapterAnswersWhatTheAdaptedModelGeneratesForThePrompt() throws Exception {
        String lora = Path.of(CliTest.class.getResource("/t5-tiny-lora").toURI()).toString();
        Run r = run("ask", "--collection", collection.toString(), "--model", tinyT5(), "--adapter", lora,
                "--max-new-tokens", "8", "--json", "Como reduzir overfitting em redes neurais?");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("generator").asText()).contains("LoRA");
        // the same prompt through the model API with the adapter attached by hand
        Path dir = Path.of(tinyT5());
        try (var model = dev.ragtune.model.t5.T5Model.load(dir, dev.ragtune.model.t5.T5Model.device("cpu"));
             var adapter = dev.ragtune.model.lora.LoraAdapter.load(model, Path.of(lora));
             var tok = dev.ragtune.model.tokenize.T5Tokenizer.load(dir)) {
            var config = dev.ragtune.model.generate.GenerationConfig.read(dir.resolve("generation_config.json"))
                    .greedy().withMaxNewTokens(8);
            String expected = new dev.ragtune.model.generate.Seq2SeqGenerator(model, tok)
                    .generate(List.of(j.get("prompt").asText()), config).get(0).text().strip();
            assertThat(j.get("answer").asText()).isEqualTo(expected);
            assertThat(adapter.modules()).isNotEmpty();
        }
        Run noModel = run("ask", "--collection", collection.toString(), "--adapter", lora, "x");
        assertThat(noModel.code()).isEqualTo(1);
        assertThat(noModel.err()).contains("--adapter needs --model");
    }

    @Test
    void aMissingCollectionIsOneClearLineAndExitCode1() {
        Run r = run("search", "--collection", tmp.resolve("nope").toString(), "x");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no collection at").contains("ragtune ingest").doesNotContain("Exception");
    }

    @Test
    void anUnknownModeIsAUsageError() {
        Run r = run("search", "--collection", collection.toString(), "--mode", "fuzzy", "x");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown retrieval mode 'fuzzy'");
    }

    @Test
    void everyCommandListsItsOptionsWithDefaults() {
        for (String cmd : List.of("ingest", "search", "ask", "rm", "info", "demo", "model")) {
            Run r = run(cmd, "--help");
            assertThat(r.code()).as(cmd).isZero();
            assertThat(r.out()).as(cmd).contains("Usage: ragtune " + cmd);
        }
        assertThat(run("search", "--help").out()).contains("Default: hybrid").contains("Default: 5");
        assertThat(run("ask", "--help").out()).contains("Default: 2").contains("Default: 20");
    }

    @Test
    void hnswAndIvfCollectionsFindWhatFlatFindsAndSwitchingKindsKeepsTheChunks() throws IOException {
        Path col = tmp.resolve("kinds");
        assertThat(run("ingest", "--collection", col.toString(), "--index", "hnsw", "--m", "8", "--beam-width", "40",
                lecture.toString()).code()).isZero();
        String query = "função de ativação que zera entradas negativas";
        String flatTop = JSON.readTree(run("search", "--collection", collection.toString(), "--mode", "dense", "-k", "1",
                "--json", query).out()).get("hits").get(0).get("chunk_id").asText();
        JsonNode hnsw = JSON.readTree(run("search", "--collection", col.toString(), "--mode", "dense", "-k", "1", "--ef", "10",
                "--json", query).out());
        assertThat(hnsw.get("hits").get(0).get("chunk_id").asText()).isEqualTo(flatTop).isEqualTo("aula/relu#0");
        Run reindex = run("ingest", "--collection", col.toString(), "--index", "ivf");
        assertThat(reindex.code()).as(reindex.err()).isZero();
        assertThat(reindex.out()).contains("4 chunks (index ivf)");
        JsonNode ivf = JSON.readTree(run("search", "--collection", col.toString(), "--mode", "dense", "-k", "1", "--json", query).out());
        assertThat(ivf.get("hits").get(0).get("chunk_id").asText()).isEqualTo(flatTop);
    }

    @Test
    void reingestingAnUnchangedFileSkipsItAndRmRemovesIt() throws IOException {
        Path col = tmp.resolve("col2");
        Path f = tmp.resolve("one.md");
        Files.writeString(f, "# Um\n\nDropout desliga neurônios ao acaso.\n");
        assertThat(run("ingest", "--collection", col.toString(), f.toString()).code()).isZero();
        Run again = run("ingest", "--collection", col.toString(), f.toString());
        assertThat(again.out()).contains("0 file(s) ingested, 1 unchanged");
        Run rm = run("rm", "--collection", col.toString(), f.toString());
        assertThat(rm.code()).as(rm.err()).isZero();
        assertThat(rm.out()).contains("1 file(s) removed").contains("0 documents, 0 chunks");
    }
}
