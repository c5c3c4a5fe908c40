package dev.ragtune.rag.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A corpus in JSON Lines, streamed line by line: each line is one document
 * {@code {"id": …, "text": …, "source"?: …, "title"?: …, "language"?: "en"|"pt", "metadata"?: {…}}}.
 * A line that is not such an object (bad JSON, missing or blank {@code id} or {@code text}) is reported through
 * {@link DocumentVisitor#warning} with its line number and skipped; the other lines go in.
 *
 * <p>Each document is one page-0 section at offset 0. {@code source} defaults to the file's path; {@code language}
 * to a {@link LanguageGuess}; metadata values that are not strings are kept as their JSON text.
 *
 * <p>Sharp edges: the file must be UTF-8 (invalid bytes become U+FFFD); one line is held in memory at a time;
 * duplicate ids are not detected here.
 */
final class JsonlReader implements DocumentReader {
    private static final Set<String> EXTENSIONS = Set.of("jsonl", "ndjson");

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public void read(Path file, String documentId, DocumentVisitor visitor) throws IOException {
        String name = file.toString();
        if (Files.size(file) == 0) throw new DocumentException(DocumentException.Reason.EMPTY, name, "empty file, skipped");
        int lineNo = 0;
        int lines = 0;
        int documents = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) continue;
                lines++;
                Document doc;
                String text;
                try {
                    JsonNode node = json.readTree(line);
                    if (node == null || !node.isObject()) throw new MalformedLine("not a JSON object");
                    String id = scalar(node, "id");
                    if (id == null || id.isBlank()) throw new MalformedLine("missing \"id\"");
                    text = scalar(node, "text");
                    if (text == null || text.isBlank()) throw new MalformedLine("missing or empty \"text\" (id " + id + ")");
                    String source = scalar(node, "source");
                    String language = scalar(node, "language");
                    doc = new Document(id, source == null || source.isBlank() ? name : source, scalar(node, "title"),
                            language == null ? LanguageGuess.of(text) : Language.ofCode(language), metadata(node));
                } catch (JsonProcessingException e) {
                    visitor.warning(name, "line " + lineNo + ": not valid JSON (" + e.getOriginalMessage()
                            + "); line skipped");
                    continue;
                } catch (MalformedLine | IllegalArgumentException e) {
                    visitor.warning(name, "line " + lineNo + ": " + e.getMessage()
                            + "; each line must be {\"id\": …, \"text\": …}; line skipped");
                    continue;
                }
                visitor.startDocument(doc);
                visitor.section(new Section(0, 0, text));
                visitor.endDocument(doc);
                documents++;
            }
        }
        if (documents == 0) {
            if (lines == 0) throw new DocumentException(DocumentException.Reason.EMPTY, name, "only blank lines, skipped");
            throw new DocumentException(DocumentException.Reason.CORRUPT, name, "none of its " + lines
                    + " lines is a document; each line must be a JSON object {\"id\": …, \"text\": …}");
        }
    }

    private static String scalar(JsonNode node, String field) throws MalformedLine {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw new MalformedLine("\"" + field + "\" must be a string");
        return v.asText();
    }

    private static Map<String, String> metadata(JsonNode node) throws MalformedLine {
        JsonNode m = node.get("metadata");
        if (m == null || m.isNull()) return Map.of();
        if (!m.isObject()) throw new MalformedLine("\"metadata\" must be an object");
        Map<String, String> out = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            if (!e.getValue().isNull()) out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        return out;
    }

    /** A line that parses as JSON but is not a document. */
    private static final class MalformedLine extends Exception {
        MalformedLine(String message) {
            super(message, null, false, false);
        }
    }
}
