package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.answer.PromptTemplate;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.SearchResult;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run itself with a scripted generative model (no-rag needs no collection): scoring, errors, resume. */
class EvaluationTest {
    @TempDir Path tmp;

    /** Answers from a script keyed by question; counts calls; throws for a question it has no answer for. */
    static class ScriptedModel implements Generator {
        final Map<String, String> script;
        final List<String> asked = new ArrayList<>();

        ScriptedModel(Map<String, String> script) {
            this.script = script;
        }

        @Override public String mode() { return "generative"; }
        @Override public String id() { return "test/scripted"; }
        @Override public int countTokens(String text) { return text.isBlank() ? 0 : text.strip().split("\\s+").length; }
        @Override public int maxInputTokens() { return 512; }

        @Override
        public Generation generate(GenerationRequest request) {
            asked.add(request.question());
            String a = script.get(request.question());
            if (a == null) throw new IllegalStateException("the model crashed on '" + request.question() + "'");
            return new Generation(a, List.of());
        }
    }

    static final List<EvalQuestion> QUESTIONS = List.of(
            new EvalQuestion("q1", "Who won Super Bowl 50?", List.of("Denver Broncos"), null, null),
            new EvalQuestion("q2", "Where was it played?", List.of("Levi's Stadium", "Santa Clara"), null, null),
            new EvalQuestion("q3", "Who lost?", List.of("Carolina Panthers"), null, null),
            new EvalQuestion("q4", "What crashes?", List.of("nothing"), null, null));

    static Evaluation.Config noRag(Generator model) {
        return new Evaluation.Config("no-rag", new AskPipeline(null, new HashingEmbedder(), null, model),
                new AskPipeline.Options(2, 20, RetrievalMode.HYBRID, SearchParams.DEFAULTS, true, PromptTemplate.DEFAULT));
    }

    static Map<String, String> script() {
        return Map.of("Who won Super Bowl 50?", "the Denver Broncos", "Where was it played?", "in Santa Clara",
                "Who lost?", "Seattle");
    }

    @Test
    void everyAnswerIsScoredAndACrashIsRecordedAsWrongWithItsError() throws IOException {
        ScriptedModel model = new ScriptedModel(script());
        Path results = tmp.resolve("results.jsonl");
        Evaluation.Run run = new Evaluation(List.of(noRag(model))).run(QUESTIONS, results, false, null);
        assertThat(run.answered()).isEqualTo(4);
        assertThat(run.results()).extracting(QuestionResult::em).containsExactly(1.0, 0.0, 0.0, 0.0);
        // "in santa clara" vs "santa clara": p 2/3, r 1 → 0.8
        assertThat(run.results().get(1).f1()).isCloseTo(0.8, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(run.results().get(3).error()).contains("the model crashed");
        assertThat(run.results().get(0).goldRank()).isNull();
        assertThat(Files.readAllLines(results)).hasSize(4);
    }

    @Test
    void resumeSkipsAnsweredPairsAndRedoesATornLastLine() throws IOException {
        Path results = tmp.resolve("results.jsonl");
        new Evaluation(List.of(noRag(new ScriptedModel(script())))).run(QUESTIONS.subList(0, 3), results, false, null);
        // the process died while writing a fourth line
        Files.writeString(results, "{\"question_id\": \"q4\", \"conf", StandardOpenOption.APPEND);

        assertThatThrownBy(() -> new Evaluation(List.of(noRag(new ScriptedModel(script())))).run(QUESTIONS, results, false, null))
                .hasMessageContaining("--resume");

        ScriptedModel second = new ScriptedModel(script());
        List<String> warnings = new ArrayList<>();
        Evaluation.Run run = new Evaluation(List.of(noRag(second))).run(QUESTIONS, results, true, new Evaluation.Listener() {
            @Override
            public void warning(String message) {
                warnings.add(message);
            }
        });
        assertThat(second.asked).containsExactly("What crashes?");
        assertThat(run.resumed()).isEqualTo(3);
        assertThat(run.answered()).isEqualTo(1);
        assertThat(run.results()).extracting(QuestionResult::questionId).containsExactly("q1", "q2", "q3", "q4");
        assertThat(warnings).singleElement().asString().contains("line 4").contains("redone");
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).startsWith("{\"question_id\":\"q4\"");
        // the resumed results read back equal to what was written
        assertThat(run.results().get(0)).isEqualTo(Evaluation.readResults(results, null).get(0));
    }

    @Test
    void aSecondRunOnTheSameResultsFileFailsWhileTheFirstIsWriting() throws IOException {
        Path results = tmp.resolve("results.jsonl");
        List<String> secondRun = new ArrayList<>();
        Generator model = new ScriptedModel(script()) {
            @Override
            public Generation generate(GenerationRequest request) {
                if (secondRun.isEmpty()) {
                    // while the first run is answering, another one is started on the same folder with --resume
                    try {
                        new Evaluation(List.of(noRag(new ScriptedModel(script())))).run(QUESTIONS, results, true, null);
                        secondRun.add("ran");
                    } catch (IllegalStateException | IOException e) {
                        secondRun.add(e.getMessage());
                    }
                }
                return super.generate(request);
            }
        };
        Evaluation.Run run = new Evaluation(List.of(noRag(model))).run(QUESTIONS.subList(0, 3), results, false, null);
        assertThat(secondRun).singleElement().asString().startsWith("another evaluation is writing " + results);
        assertThat(run.answered()).isEqualTo(3);
        assertThat(Files.readAllLines(results)).hasSize(3);
        // once the first run is over, resuming works
        assertThat(new Evaluation(List.of(noRag(new ScriptedModel(script())))).run(QUESTIONS, results, true, null).answered())
                .isEqualTo(1);
    }

    /** Returns one passage per query, made from the query's text; records every search and batch. */
    static class RecordingRetriever implements Retriever {
        final List<Integer> batches = new ArrayList<>();
        final List<String> searched = new ArrayList<>();
        boolean failBatches;

        @Override public String location() { return "memory"; }
        @Override public String embedderId() { return new HashingEmbedder().id(); }
        @Override public int dimension() { return new HashingEmbedder().dimension(); }
        @Override public int size() { return 1; }
        @Override public List<SourceEntry> sources() { return List.of(); }
        @Override public Set<String> chunkIds() { return Set.of(); }
        @Override public Map<String, Object> about() { return Map.of(); }
        @Override public String description() { return "memory"; }
        @Override public void close() { }

        @Override
        public SearchResult search(SearchRequest request, Embedder embedder) {
            searched.add(request.query());
            String text = "Passage for " + request.query();
            Chunk c = new Chunk("c-" + request.query().hashCode(), "d", "/docs/d.txt", 1, 0, text.length(), "d", text);
            return new SearchResult(request.query(), request.mode(), List.of(new Hit(1, 0, c, 0.5f)), 0, 0, 0);
        }

        @Override
        public List<SearchResult> searchAll(List<SearchRequest> requests, Embedder embedder) {
            if (failBatches) throw new IllegalStateException("batch failed");
            batches.add(requests.size());
            List<SearchResult> out = new ArrayList<>();
            for (SearchRequest r : requests) out.add(search(r, embedder));
            searched.subList(searched.size() - requests.size(), searched.size()).clear();
            return out;
        }
    }

    @Test
    void ragQuestionsAreRetrievedInBlocksAndAnsweredFromTheirOwnPassages() throws IOException {
        List<EvalQuestion> questions = new ArrayList<>();
        Map<String, String> answers = new java.util.HashMap<>();
        int n = Evaluation.RETRIEVAL_BLOCK + 6;
        for (int i = 0; i < n; i++) {
            questions.add(new EvalQuestion("q" + i, "Question number " + i + "?", List.of("answer " + i), null, null));
            answers.put("Question number " + i + "?", "answer " + i);
        }
        RecordingRetriever retriever = new RecordingRetriever();
        AskPipeline.Options rag = new AskPipeline.Options(1, 1, RetrievalMode.DENSE, SearchParams.DEFAULTS, false,
                PromptTemplate.DEFAULT);
        Evaluation eval = new Evaluation(List.of(noRag(new ScriptedModel(answers)),
                new Evaluation.Config("rag", new AskPipeline(retriever, new HashingEmbedder(), null,
                        new ScriptedModel(answers)), rag)));
        Evaluation.Run run = eval.run(questions, tmp.resolve("results.jsonl"), false, null);
        assertThat(retriever.batches).containsExactly(Evaluation.RETRIEVAL_BLOCK, 6);
        assertThat(retriever.searched).isEmpty();
        List<QuestionResult> ragResults = run.results().stream().filter(r -> r.config().equals("rag")).toList();
        assertThat(ragResults).hasSize(n);
        for (int i = 0; i < n; i++) {
            QuestionResult r = ragResults.get(i);
            assertThat(r.questionId()).isEqualTo("q" + i);
            assertThat(r.error()).isNull();
            assertThat(r.em()).isEqualTo(1.0);
            assertThat(r.retrieved()).containsExactly("c-" + ("Question number " + i + "?").hashCode());
        }

        // a failing batch: every question still retrieves, one by one
        RecordingRetriever failing = new RecordingRetriever();
        failing.failBatches = true;
        Evaluation.Run again = new Evaluation(List.of(new Evaluation.Config("rag", new AskPipeline(failing,
                new HashingEmbedder(), null, new ScriptedModel(answers)), rag)))
                .run(questions.subList(0, 3), tmp.resolve("again.jsonl"), false, null);
        assertThat(failing.searched).hasSize(3);
        assertThat(again.results()).allSatisfy(r -> assertThat(r.em()).isEqualTo(1.0));
    }

    @Test
    void anUnknownConfigurationIsAnErrorListingTheKnownOnes() {
        assertThatThrownBy(() -> Evaluation.parseConfigs("rag,rag+bm25"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'rag+bm25'").hasMessageContaining("no-rag, rag, rag+rerank");
        assertThat(Evaluation.parseConfigs(" RAG+rerank , no-rag,rag,rag")).containsExactly("no-rag", "rag", "rag+rerank");
    }

    @Test
    void goldIdsMissingFromTheCollectionAreCountedWithExamples() {
        List<EvalQuestion> qs = List.of(
                new EvalQuestion("a", "q?", List.of("x"), List.of("doc#0#0"), List.of("doc#0")),
                new EvalQuestion("b", "q?", List.of("x"), List.of("nope#3#0"), List.of("nope#3")),
                new EvalQuestion("c", "q?", List.of("x"), null, List.of("gone#1")));
        List<String> w = Evaluation.missingGold(qs, Set.of("doc#0#0"), Set.of("doc#0"));
        assertThat(w).hasSize(2);
        assertThat(w.get(0)).startsWith("1 question(s) name gold chunk ids").contains("nope#3#0");
        assertThat(w.get(1)).startsWith("2 question(s) name gold doc ids").contains("nope#3").contains("gone#1");
        assertThat(Evaluation.missingGold(qs.subList(0, 1), Set.of("doc#0#0"), Set.of("doc#0"))).isEmpty();
    }
}
