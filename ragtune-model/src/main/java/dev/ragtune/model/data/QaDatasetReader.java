package dev.ragtune.model.data;

import dev.ragtune.model.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads question-answering examples:
 * <ul>
 *   <li>SQuAD v1.1 JSON (official layout {@code data[].paragraphs[].{context, qas[].{id, question, answers[].text}}});
 *   <li>JSONL, one object per line, either {@code {"prompt", "answer"}} (used verbatim) or
 *       {@code {"context", "question", "answers"}} where answers is a list of strings, a list of {@code {"text"}}
 *       objects, or HF datasets' {@code {"text": [...]}}.
 * </ul>
 * A {@code .jsonl} extension selects JSONL; otherwise a file whose first character is {@code '{'} and that parses as a
 * single object with {@code data} is SQuAD. Errors name the file and the record (article/paragraph/qa index or line).
 */
public final class QaDatasetReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QaDatasetReader() {
    }

    /** Reads all examples of {@code file}, then applies {@code slice}. */
    public static List<QaExample> read(Path file, DataSlice slice, PromptTemplate template) {
        return slice.apply(read(file, template));
    }

    public static List<QaExample> read(Path file, PromptTemplate template) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException("Data file not found: " + file);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<QaExample> out = name.endsWith(".jsonl") ? readJsonl(file, template) : readSquad(file, template);
        if (out.isEmpty()) {
            throw new DatasetFormatException("Data file " + file + " holds no examples");
        }
        return out;
    }

    static List<QaExample> readSquad(Path file, PromptTemplate template) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DatasetFormatException("Cannot parse " + file + " as SQuAD JSON (use a .jsonl extension for"
                    + " JSON Lines): " + JsonFiles.reason(e), e);
        }
        JsonNode data = root == null ? null : root.get("data");
        if (data == null || !data.isArray()) {
            throw new DatasetFormatException(file + " is not SQuAD v1.1 JSON: the top-level field 'data' (a list of"
                    + " articles) is missing");
        }
        List<QaExample> out = new ArrayList<>();
        for (int a = 0; a < data.size(); a++) {
            String at = file + ": data[" + a + "]";
            JsonNode paragraphs = field(data.get(a), "paragraphs", at);
            for (int p = 0; p < paragraphs.size(); p++) {
                String pt = at + ".paragraphs[" + p + "]";
                JsonNode para = paragraphs.get(p);
                String context = field(para, "context", pt).asText();
                JsonNode qas = field(para, "qas", pt);
                for (int q = 0; q < qas.size(); q++) {
                    String qt = pt + ".qas[" + q + "]";
                    JsonNode qa = qas.get(q);
                    String question = field(qa, "question", qt).asText();
                    JsonNode answers = field(qa, "answers", qt);
                    List<String> texts = new ArrayList<>();
                    for (int k = 0; k < answers.size(); k++) {
                        texts.add(field(answers.get(k), "text", qt + ".answers[" + k + "]").asText());
                    }
                    if (texts.isEmpty()) {
                        throw new DatasetFormatException(qt + " (id " + qa.path("id").asText("?") + ") has an empty"
                                + " 'answers' list; unanswerable questions (SQuAD v2) cannot be training targets —"
                                + " remove them or use SQuAD v1.1");
                    }
                    String id = qa.hasNonNull("id") ? qa.get("id").asText() : a + "/" + p + "/" + q;
                    out.add(new QaExample(id, template.format(context, question), texts));
                }
            }
        }
        return out;
    }

    static List<QaExample> readJsonl(Path file, PromptTemplate template) {
        List<QaExample> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String at = file + " line " + n;
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (IOException e) {
                    throw new DatasetFormatException(at + " is not valid JSON: " + e.getMessage(), e);
                }
                if (o == null || !o.isObject()) {
                    throw new DatasetFormatException(at + " is not a JSON object");
                }
                String id = o.hasNonNull("id") ? o.get("id").asText() : "line-" + n;
                if (o.has("prompt")) {
                    String answer = field(o, "answer", at).asText();
                    out.add(new QaExample(id, o.get("prompt").asText(), List.of(answer)));
                } else if (o.has("context") || o.has("question")) {
                    String context = field(o, "context", at).asText();
                    String question = field(o, "question", at).asText();
                    List<String> answers = answers(field(o, "answers", at), at);
                    out.add(new QaExample(id, template.format(context, question), answers));
                } else {
                    throw new DatasetFormatException(at + " has neither {prompt, answer} nor {context, question,"
                            + " answers}");
                }
            }
        } catch (IOException e) {
            throw new DatasetFormatException("Cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static List<String> answers(JsonNode node, String at) {
        JsonNode list = node.isObject() ? field(node, "text", at + " answers") : node;
        if (!list.isArray()) {
            throw new DatasetFormatException(at + ": 'answers' must be a list of strings, a list of {\"text\"}"
                    + " objects or {\"text\": [...]}");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode a : list) {
            out.add(a.isObject() ? field(a, "text", at + " answers[" + out.size() + "]").asText() : a.asText());
        }
        if (out.isEmpty()) {
            throw new DatasetFormatException(at + " has an empty 'answers' list; every example needs an answer");
        }
        return out;
    }

    private static JsonNode field(JsonNode node, String name, String at) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null || v.isNull()) {
            throw new DatasetFormatException(at + " lacks the field '" + name + "'");
        }
        return v;
    }
}
