package dev.ragtune.rag.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A reading-comprehension set in SQuAD v1.1 JSON ({@code data[].title}, {@code data[].paragraphs[].context},
 * {@code .qas[].id/question/answers[].text/answer_start}); also reads FaQuAD and other SQuAD-format sets.
 *
 * <p>Paragraph ids are {@code <title>#<i>}, i counting the paragraphs of that title from 0 in file order. Some sets
 * (FaQuAD) split one title over several articles: the count then continues across them, so ids stay unique and
 * stable for a given file.
 *
 * @param paragraphs every paragraph, in file order
 * @param questions  every question, in file order
 */
public record SquadDataset(List<Paragraph> paragraphs, List<Question> questions) {
    /** A passage: the unit of retrieval. */
    public record Paragraph(String id, String title, String text) {}

    /** A question with its reference answers and the id of the paragraph it was asked about. */
    public record Question(String id, String text, List<Answer> answers, String paragraphId) {}

    /** An answer span; {@code start} is the character offset the file gives (not always exact in FaQuAD). */
    public record Answer(String text, int start) {}

    public SquadDataset {
        paragraphs = List.copyOf(paragraphs);
        questions = List.copyOf(questions);
    }

    /** Reads a SQuAD-format file, failing with the file and the JSON path of the first bad field. */
    public static SquadDataset read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /** Reads SQuAD-format JSON from {@code in}; {@code name} names the source in error messages. */
    public static SquadDataset read(InputStream in, String name) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (JsonProcessingException e) {
            throw new InvalidDatasetException(name + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode data = array(root, "data", name, "$");
        List<Paragraph> paragraphs = new ArrayList<>();
        List<Question> questions = new ArrayList<>();
        Map<String, Integer> perTitle = new HashMap<>();
        Set<String> questionIds = new HashSet<>();
        for (int a = 0; a < data.size(); a++) {
            String ap = "$.data[" + a + "]";
            JsonNode article = data.get(a);
            String title = text(article, "title", name, ap);
            JsonNode ps = array(article, "paragraphs", name, ap);
            for (int p = 0; p < ps.size(); p++) {
                String pp = ap + ".paragraphs[" + p + "]";
                JsonNode paragraph = ps.get(p);
                String context = text(paragraph, "context", name, pp);
                int i = perTitle.merge(title, 1, Integer::sum) - 1;
                String pid = title + "#" + i;
                paragraphs.add(new Paragraph(pid, title, context));
                JsonNode qas = array(paragraph, "qas", name, pp);
                for (int q = 0; q < qas.size(); q++) {
                    String qp = pp + ".qas[" + q + "]";
                    JsonNode qa = qas.get(q);
                    String qid = text(qa, "id", name, qp);
                    if (!questionIds.add(qid)) {
                        throw new InvalidDatasetException(name + ": " + qp + ".id '" + qid + "' is used twice");
                    }
                    String question = text(qa, "question", name, qp);
                    JsonNode ans = array(qa, "answers", name, qp);
                    List<Answer> answers = new ArrayList<>(ans.size());
                    for (int x = 0; x < ans.size(); x++) {
                        String xp = qp + ".answers[" + x + "]";
                        JsonNode an = ans.get(x);
                        JsonNode start = an.get("answer_start");
                        if (start == null || !start.canConvertToInt() || start.asInt() < 0) {
                            throw new InvalidDatasetException(name + ": " + xp
                                    + ".answer_start is missing or not a non-negative integer");
                        }
                        answers.add(new Answer(text(an, "text", name, xp), start.asInt()));
                    }
                    questions.add(new Question(qid, question, List.copyOf(answers), pid));
                }
            }
        }
        if (paragraphs.isEmpty()) throw new InvalidDatasetException(name + " has no paragraphs ($.data is empty)");
        return new SquadDataset(paragraphs, questions);
    }

    private static JsonNode array(JsonNode node, String field, String name, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isArray()) {
            throw new InvalidDatasetException(name + ": " + path + "." + field + " is missing or not an array"
                    + " (expected SQuAD v1.1 format: data[].paragraphs[].qas[])");
        }
        return v;
    }

    private static String text(JsonNode node, String field, String name, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual()) {
            throw new InvalidDatasetException(name + ": " + path + "." + field + " is missing or not a string");
        }
        return v.asText();
    }
}
