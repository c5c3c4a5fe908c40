package dev.ragtune.rag.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.answer.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One question answered by one configuration: one line of {@code results.jsonl}.
 *
 * @param retrieved ids of the chunks put in the prompt, best first (empty for no-rag)
 * @param goldRank  1-based position of the first gold chunk in {@code retrieved}, 0 when none was retrieved, null
 *                  when the question has no gold ids or the configuration does not retrieve
 * @param citations the chunks the answer cites, each judged by whether it contains a gold answer (normalised)
 * @param timings   milliseconds per stage (zeros when {@code error} is set)
 * @param error     why the question could not be answered, or null; it then counts as wrong
 * @param mode      how the answer was made: {@code extractive}, {@code generative}, {@code no-rag}, or "" when unknown
 * @param containsGold whether the normalised answer contains a normalised gold answer ({@link #containsGold(String,
 *                  List)}): the measure of an extractive answer, which is a sentence and so never an exact match
 */
public record QuestionResult(String questionId, String config, String question, List<String> answers, String answer,
                             double em, double f1, double emPt, double f1Pt, List<String> retrieved, Integer goldRank,
                             List<Cited> citations, Answer.Timings timings, List<String> warnings, String error,
                             String mode, boolean containsGold) {
    /** A cited chunk and whether its text contains a gold answer. */
    public record Cited(int n, String chunkId, String source, int page, boolean containsAnswer) {}

    /** Stages whose latency is reported, in order. */
    public static final List<String> STAGES = List.of("embed", "search", "rerank", "prompt", "generate", "total");

    private static final ObjectMapper JSON = new ObjectMapper();

    public QuestionResult {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(config, "config");
        answers = List.copyOf(answers);
        answer = answer == null ? "" : answer;
        retrieved = List.copyOf(retrieved);
        citations = List.copyOf(citations);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(timings, "timings");
        mode = mode == null ? "" : mode;
    }

    /** A result whose mode is unknown; containment is computed from the answer. */
    public QuestionResult(String questionId, String config, String question, List<String> answers, String answer,
                          double em, double f1, double emPt, double f1Pt, List<String> retrieved, Integer goldRank,
                          List<Cited> citations, Answer.Timings timings, List<String> warnings, String error) {
        this(questionId, config, question, answers, answer, em, f1, emPt, f1Pt, retrieved, goldRank, citations, timings,
                warnings, error, "", containsGold(answer, answers));
    }

    /**
     * True when the answer, normalised as SQuAD does (with or without the Portuguese articles), contains a normalised
     * gold answer as a whole-token run.
     */
    public static boolean containsGold(String answer, List<String> answers) {
        return AnswerMetrics.containsAnswer(answer, answers, AnswerMetrics.Variant.SQUAD)
                || AnswerMetrics.containsAnswer(answer, answers, AnswerMetrics.Variant.PORTUGUESE);
    }

    /** True for an answer copied from the contexts (judged ✓/✗ by containment rather than exact match). */
    public boolean extractive() {
        return mode.equals("extractive");
    }

    /** Fraction of the citations whose chunk contains a gold answer; null when the answer cites nothing. */
    public Double citationPrecision() {
        if (citations.isEmpty()) return null;
        int good = 0;
        for (Cited c : citations) if (c.containsAnswer()) good++;
        return good / (double) citations.size();
    }

    /** Milliseconds of a stage named in {@link #STAGES}. */
    public double millis(String stage) {
        return switch (stage) {
            case "embed" -> timings.embed();
            case "search" -> timings.search();
            case "rerank" -> timings.rerank();
            case "prompt" -> timings.prompt();
            case "generate" -> timings.generate();
            case "total" -> timings.total();
            default -> throw new IllegalArgumentException("unknown stage " + stage + "; known: " + STAGES);
        };
    }

    /** Exact match (SQuAD normalisation) as right/wrong. */
    public boolean correct() {
        return em == 1;
    }

    /** What the reports mark ✓: containment of a gold answer for an extractive answer, else exact match. */
    public boolean right() {
        return extractive() ? containsGold : correct();
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("question_id", questionId);
        o.put("config", config);
        o.put("question", question);
        answers.forEach(o.putArray("answers")::add);
        o.put("answer", answer);
        o.put("correct", correct());
        o.put("mode", mode);
        o.put("contains_gold", containsGold);
        o.put("em", em);
        o.put("f1", f1);
        o.put("em_pt", emPt);
        o.put("f1_pt", f1Pt);
        retrieved.forEach(o.putArray("retrieved")::add);
        if (goldRank == null) o.putNull("gold_rank");
        else o.put("gold_rank", goldRank);
        ArrayNode cs = o.putArray("citations");
        for (Cited c : citations) {
            ObjectNode x = cs.addObject();
            x.put("n", c.n());
            x.put("chunk_id", c.chunkId());
            x.put("source", c.source());
            x.put("page", c.page());
            x.put("contains_answer", c.containsAnswer());
        }
        ObjectNode t = o.putObject("timings_ms");
        for (String s : STAGES) t.put(s, Math.round(millis(s) * 1000) / 1000.0);
        warnings.forEach(o.putArray("warnings")::add);
        if (error == null) o.putNull("error");
        else o.put("error", error);
        return o;
    }

    /** Reads a line written by {@link #toJson}; a missing required field is an {@link IllegalArgumentException}. */
    public static QuestionResult fromJson(JsonNode o) {
        if (o == null || !o.isObject()) throw new IllegalArgumentException("not a JSON object");
        for (String f : List.of("question_id", "config", "em", "f1", "em_pt", "f1_pt", "timings_ms")) {
            if (!o.hasNonNull(f)) throw new IllegalArgumentException("missing \"" + f + "\"");
        }
        List<Cited> cited = new ArrayList<>();
        for (JsonNode x : o.path("citations")) {
            cited.add(new Cited(x.path("n").asInt(), x.path("chunk_id").asText(), x.path("source").asText(),
                    x.path("page").asInt(), x.path("contains_answer").asBoolean()));
        }
        JsonNode t = o.get("timings_ms");
        Answer.Timings timings = new Answer.Timings(t.path("embed").asDouble(), t.path("search").asDouble(),
                t.path("rerank").asDouble(), t.path("prompt").asDouble(), t.path("generate").asDouble(),
                t.path("total").asDouble());
        return new QuestionResult(o.get("question_id").asText(), o.get("config").asText(), o.path("question").asText(),
                texts(o.path("answers")), o.path("answer").asText(), o.get("em").asDouble(), o.get("f1").asDouble(),
                o.get("em_pt").asDouble(), o.get("f1_pt").asDouble(), texts(o.path("retrieved")),
                o.hasNonNull("gold_rank") ? o.get("gold_rank").asInt() : null, cited, timings, texts(o.path("warnings")),
                o.hasNonNull("error") ? o.get("error").asText() : null, o.path("mode").asText(""),
                o.has("contains_gold") ? o.get("contains_gold").asBoolean()
                        : containsGold(o.path("answer").asText(), texts(o.path("answers"))));
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : array) out.add(x.asText());
        return out;
    }
}
