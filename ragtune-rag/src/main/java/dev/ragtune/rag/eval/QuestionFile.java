package dev.ragtune.rag.eval;

import dev.ragtune.rag.collection.AtomicFile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reads evaluation questions from JSON Lines, one question a line
 * {@code {"id", "question", "answers": [..], "gold_chunk_ids"?: [..], "gold_doc_ids"?: [..]}}, or from a SQuAD v1.1
 * JSON file (a {@code .json} file), whose gold document id is the paragraph id {@code <title>#<i>} of
 * {@link SquadDataset}. {@link #writeSquadCorpus} writes that file's paragraphs as a JSONL corpus with those ids, so
 * {@code ragtune ingest} builds the matching collection (the open-book setting).
 *
 * <p>A malformed JSONL line (bad JSON, missing field, repeated id) is reported in {@link Loaded#problems()} with its
 * line number and skipped; the others are read. A file with no valid question at all is an error.
 */
public final class QuestionFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QuestionFile() {}

    /**
     * Questions read from a file.
     *
     * @param format   {@code jsonl} or {@code squad}
     * @param problems one message per skipped line, {@code "<file> line <n>: <what is wrong>"}
     */
    public record Loaded(List<EvalQuestion> questions, List<String> problems, String format) {
        public Loaded {
            questions = List.copyOf(questions);
            problems = List.copyOf(problems);
        }
    }

    /** Reads a question file; the format is SQuAD JSON for {@code .json}, JSON Lines otherwise. */
    public static Loaded read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new InvalidDatasetException("question file " + file + " does not exist (give a JSONL file of "
                    + "{id, question, answers[]} lines or a SQuAD v1.1 .json file)");
        }
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json")) return fromSquad(SquadDataset.read(file));
        return readJsonl(file);
    }

    /** The questions of a SQuAD-format set, each with its paragraph id as gold document id. */
    public static Loaded fromSquad(SquadDataset squad) {
        List<EvalQuestion> out = new ArrayList<>(squad.questions().size());
        List<String> problems = new ArrayList<>();
        for (SquadDataset.Question q : squad.questions()) {
            Set<String> answers = new LinkedHashSet<>();
            for (SquadDataset.Answer a : q.answers()) answers.add(a.text());
            if (answers.isEmpty() || q.text().isBlank()) {
                problems.add("question " + q.id() + ": no answers or empty question; skipped");
                continue;
            }
            out.add(new EvalQuestion(q.id(), q.text(), List.copyOf(answers), List.of(), List.of(q.paragraphId())));
        }
        if (out.isEmpty()) throw new InvalidDatasetException("the SQuAD file has no question with an answer");
        return new Loaded(out, problems, "squad");
    }

    private static Loaded readJsonl(Path file) throws IOException {
        List<EvalQuestion> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int lineNo = 0;
        try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                try {
                    EvalQuestion q = parse(line);
                    if (!ids.add(q.id())) throw new IllegalArgumentException("id '" + q.id() + "' was used on an earlier line");
                    out.add(q);
                } catch (JsonProcessingException e) {
                    problems.add(file + " line " + lineNo + ": not valid JSON (" + e.getOriginalMessage() + "); skipped");
                } catch (IllegalArgumentException e) {
                    problems.add(file + " line " + lineNo + ": " + e.getMessage() + "; skipped");
                }
            }
        }
        if (out.isEmpty()) {
            throw new InvalidDatasetException("question file " + file + " has no valid question"
                    + (problems.isEmpty() ? " (it is empty)" : ": " + problems.get(0))
                    + "; each line must be {\"id\": …, \"question\": …, \"answers\": [\"…\"]}");
        }
        return new Loaded(out, problems, "jsonl");
    }

    private static EvalQuestion parse(String line) throws JsonProcessingException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
        String id = string(n, "id", true);
        String question = string(n, "question", true);
        List<String> answers = strings(n, "answers", true);
        if (answers.isEmpty()) throw new IllegalArgumentException("\"answers\" is empty (id " + id + ")");
        return new EvalQuestion(id, question, answers, strings(n, "gold_chunk_ids", false), strings(n, "gold_doc_ids", false));
    }

    private static String string(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("missing \"" + field + "\"");
            return null;
        }
        if (!v.isTextual() && !v.isNumber()) throw new IllegalArgumentException("\"" + field + "\" must be a string");
        String s = v.asText();
        if (required && s.isBlank()) throw new IllegalArgumentException("\"" + field + "\" is empty");
        return s;
    }

    private static List<String> strings(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new IllegalArgumentException("missing \"" + field + "\" (a list of strings)");
            return List.of();
        }
        if (!v.isArray()) throw new IllegalArgumentException("\"" + field + "\" must be a list of strings");
        List<String> out = new ArrayList<>(v.size());
        for (JsonNode x : v) {
            if (!x.isTextual()) throw new IllegalArgumentException("\"" + field + "\" must hold only strings");
            out.add(x.asText());
        }
        return out;
    }

    /**
     * Writes the paragraphs of a SQuAD-format set as a JSONL corpus ({@code {"id": "<title>#<i>", "title", "text",
     * "source"}} per line) for {@code ragtune ingest}; the ids are the gold document ids {@link #fromSquad} gives.
     */
    public static void writeSquadCorpus(SquadDataset squad, String source, Path target) throws IOException {
        AtomicFile.writeText(target, w -> {
            for (SquadDataset.Paragraph p : squad.paragraphs()) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", p.id());
                o.put("title", p.title().replace('_', ' '));
                o.put("text", p.text());
                o.put("source", source + "#" + p.id());
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        });
    }

    /** Writes questions as JSONL in the format {@link #read} reads. */
    public static void writeJsonl(List<EvalQuestion> questions, Path target) throws IOException {
        AtomicFile.writeText(target, w -> {
            for (EvalQuestion q : questions) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", q.id());
                o.put("question", q.question());
                q.answers().forEach(o.putArray("answers")::add);
                if (!q.goldChunkIds().isEmpty()) q.goldChunkIds().forEach(o.putArray("gold_chunk_ids")::add);
                if (!q.goldDocIds().isEmpty()) q.goldDocIds().forEach(o.putArray("gold_doc_ids")::add);
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
        });
    }
}
