package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
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

/**
 * {@code ragtune eval} on a small hand-written corpus with the real MiniLM: configuration choice, bad input,
 * reports, resume, and the --model wiring point with a scripted generative model.
 */
class EvalCommandTest {
    @TempDir static Path tmp;
    static Path collection;
    static Path questions;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    @BeforeAll
    static void ingest() throws IOException {
        Path corpus = Files.createDirectories(tmp.resolve("corpus")).resolve("aula.jsonl");
        Files.writeString(corpus, String.join("\n",
                "{\"id\": \"l2\", \"text\": \"L2 regularization adds the squared norm of the weights to the loss. It keeps weights small and reduces overfitting.\"}",
                "{\"id\": \"dropout\", \"text\": \"Dropout randomly switches off neurons during training. The usual rate is 0.5 for hidden layers.\"}",
                "{\"id\": \"lora\", \"text\": \"LoRA freezes the pretrained weights and trains two small low-rank matrices. The rank r is often 8.\"}",
                "{\"id\": \"t5\", \"text\": \"FLAN-T5 is an encoder-decoder model fine-tuned on instructions. Its small version has 77 million parameters.\"}",
                "{\"id\": \"bm25\", \"text\": \"BM25 ranks documents by term frequency and inverse document frequency with length normalisation.\"}",
                "{\"id\": \"faiss\", \"text\": \"FAISS is a library for similarity search over dense vectors, with flat, IVF and HNSW indexes.\"}") + "\n");
        collection = tmp.resolve("col");
        StringWriter e = new StringWriter();
        CommandLine ingest = UserErrors.install(new CommandLine(new IngestCommand()));
        ingest.setErr(new PrintWriter(e));
        ingest.setOut(new PrintWriter(new StringWriter()));
        assertThat(ingest.execute("--collection", collection.toString(), corpus.toString())).as(e.toString()).isZero();
        questions = tmp.resolve("questions.jsonl");
        Files.writeString(questions, String.join("\n",
                "{\"id\": \"q1\", \"question\": \"What is the usual dropout rate?\", \"answers\": [\"0.5\"], \"gold_doc_ids\": [\"dropout\"]}",
                "{\"id\": \"q2\", \"question\": \"How many parameters does FLAN-T5 small have?\", \"answers\": [\"77 million\"], \"gold_doc_ids\": [\"t5\"]}",
                "{\"id\": \"broken\", \"question\": ",
                "{\"id\": \"q3\", \"question\": \"What does LoRA train?\", \"answers\": [\"two small low-rank matrices\"], \"gold_chunk_ids\": [\"lora#0\"]}",
                "{\"id\": \"q4\", \"question\": \"What does <b>BM25</b> rank by?\", \"answers\": [\"term frequency\"], \"gold_doc_ids\": [\"no-such-doc\"]}") + "\n");
    }

    int run(EvalCommand command, String... args) {
        CommandLine cl = UserErrors.install(new CommandLine(command));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void sampleSpreadsQuestionsEvenlyOverTheFile() {
        List<Integer> ten = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(EvalCommand.spread(ten, 5)).containsExactly(0, 2, 4, 6, 8);
        assertThat(EvalCommand.spread(ten, 3)).containsExactly(0, 3, 6);
        assertThat(EvalCommand.spread(ten, 10)).isEqualTo(ten);
        assertThat(EvalCommand.spread(ten, 50)).isEqualTo(ten);
    }

    @Test
    void anUnknownConfigurationIsAnErrorListingTheKnownOnes() {
        int code = run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", tmp.resolve("x").toString(), "--configs", "rag,hyde");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("unknown configuration 'hyde'").contains("no-rag, rag, rag+rerank");
    }

    @Test
    void askingForNoRagOrRerankWithoutWhatTheyNeedIsAnError() {
        assertThat(run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", tmp.resolve("y").toString(), "--configs", "no-rag,rag")).isEqualTo(2);
        assertThat(err.toString()).contains("no-rag needs a generative model (--model)");
        assertThat(run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", tmp.resolve("y").toString(), "--configs", "rag+rerank")).isEqualTo(2);
        assertThat(err.toString()).contains("rag+rerank needs --reranker");
        assertThat(run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", tmp.resolve("y").toString(), "--model", tmp.resolve("no-such-model").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("no-such-model");
        assertThat(tmp.resolve("y")).doesNotExist();
    }

    @Test
    void defaultRunSkipsWhatCannotRunReportsBadLinesAndMissingGoldAndResumes() throws IOException {
        Path dir = tmp.resolve("report");
        int code = run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", dir.toString());
        assertThat(code).as(err.toString()).isZero();
        assertThat(err.toString()).contains("skipping no-rag: no-rag needs a generative model")
                .contains("skipping rag+rerank: rag+rerank needs --reranker")
                .contains("questions.jsonl line 3: not valid JSON")
                .contains("1 question(s) name gold doc ids that are not in the collection, e.g. no-such-doc");
        for (String f : List.of("results.jsonl", "summary.json", "report.md", "report.html")) assertThat(dir.resolve(f)).isRegularFile();
        assertThat(Files.readAllLines(dir.resolve("results.jsonl"))).hasSize(4);
        JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(s.get("configs").toString()).isEqualTo("[\"rag\"]");
        // q1-q3 have gold chunks in a 6-chunk collection: MiniLM + BM25 put each in the top 2
        assertThat(s.get("metrics").get("rag").get("hit_at_k").asDouble()).isEqualTo(0.75);
        assertThat(s.get("warnings").toString()).contains("1 malformed line(s)").contains("line 3");
        assertThat(out.toString()).contains("rag").contains("wrote");
        assertThat(Files.readString(dir.resolve("report.html"))).contains("What does &lt;b&gt;BM25&lt;/b&gt; rank by?");

        err.getBuffer().setLength(0);
        assertThat(run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", dir.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("already exists: pass --resume");

        err.getBuffer().setLength(0);
        assertThat(run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", dir.toString(), "--resume")).isZero();
        assertThat(err.toString()).contains("4 answer(s) resumed");
        assertThat(Files.readAllLines(dir.resolve("results.jsonl"))).hasSize(4);
    }

    @Test
    void theRealT5GeneratorAnswersNoRagAndRagThroughTheModelOptions() throws Exception {
        Path dir = tmp.resolve("t5");
        String tinyT5 = Path.of(EvalCommandTest.class.getResource("/t5-tiny-with-tokenizer").toURI()).toString();
        int code = run(new EvalCommand(), "--collection", collection.toString(), "--questions", questions.toString(),
                "--out", dir.toString(), "--model", tinyT5, "--max-new-tokens", "4", "--configs", "no-rag,rag", "--limit", "2");
        assertThat(code).as(err.toString()).isZero();
        List<String> lines = Files.readAllLines(dir.resolve("results.jsonl"));
        assertThat(lines).hasSize(4);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode r = json.readTree(line);
            assertThat(r.get("error").isNull()).as(line).isTrue();
            assertThat(r.get("timings_ms").get("generate").asDouble()).isPositive();
            assertThat(r.get("retrieved").size()).isEqualTo(r.get("config").asText().equals("rag") ? 2 : 0);
        }
        JsonNode s = json.readTree(dir.resolve("summary.json").toFile());
        assertThat(s.get("about").get("answers").asText()).contains("t5-tiny-with-tokenizer");
        assertThat(s.get("differences").get(0).get("baseline").asText()).isEqualTo("no-rag");
    }

    /** A generative model that knows two answers by heart and says "I do not know" otherwise. */
    static final class MemorisingModel implements Generator {
        @Override public String mode() { return "generative"; }
        @Override public String id() { return "test/memorising"; }
        @Override public int countTokens(String text) { return text.isBlank() ? 0 : text.strip().split("\\s+").length; }
        @Override public int maxInputTokens() { return 512; }

        @Override
        public Generation generate(GenerationRequest r) {
            if (!r.contexts().isEmpty()) {
                // with contexts it copies the first sentence of the first one
                String t = r.contexts().get(0).text();
                int dot = t.indexOf(". ");
                return new Generation(dot < 0 ? t : t.substring(0, dot + 1), List.of());
            }
            return new Generation(r.question().contains("dropout") ? "0.5" : "I do not know", List.of());
        }
    }

    @Test
    void aWiredModelRunsNoRagAndTheReportSaysWhereRagHelpedAndHurt() throws IOException {
        Path dir = tmp.resolve("with-model");
        int code = run(new EvalCommand(options -> new MemorisingModel()), "--collection", collection.toString(),
                "--questions", questions.toString(), "--out", dir.toString(), "--model", "memorising", "--limit", "3");
        assertThat(code).as(err.toString()).isZero();
        JsonNode s = new ObjectMapper().readTree(dir.resolve("summary.json").toFile());
        assertThat(s.get("configs").toString()).isEqualTo("[\"no-rag\",\"rag\"]");
        assertThat(s.get("questions").asInt()).isEqualTo(3);
        // no-rag: q1 "0.5" is exact; rag copies a sentence: for q1 it loses the exact match, for the others it gains F1
        assertThat(s.get("metrics").get("no-rag").get("em").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.api.Assertions.within(1e-9));
        assertThat(s.get("metrics").get("no-rag").get("hit_at_1").isNull()).isTrue();
        assertThat(s.get("hurt").toString()).contains("\"question_id\":\"q1\"");
        assertThat(s.get("helped").toString()).contains("\"question_id\":\"q3\"");
        assertThat(s.get("about").get("answers").asText()).isEqualTo("test/memorising");
        assertThat(out.toString()).contains("rag − no-rag F1");
    }
}
