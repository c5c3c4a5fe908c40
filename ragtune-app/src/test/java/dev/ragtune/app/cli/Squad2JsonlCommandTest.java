package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** SQuAD → corpus + questions whose gold doc ids are the corpus's document ids. */
class Squad2JsonlCommandTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = UserErrors.install(new CommandLine(new Squad2JsonlCommand()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void paragraphsBecomeDocumentsAndQuestionsPointAtThem() throws IOException {
        Path squad = tmp.resolve("mini.json");
        Files.writeString(squad, """
                {"data": [{"title": "Lecture", "paragraphs": [
                  {"context": "L2 regularization penalises large weights.", "qas": [
                    {"id": "a1", "question": "What does L2 penalise?", "answers": [
                      {"text": "large weights", "answer_start": 28}, {"text": "large weights", "answer_start": 28},
                      {"text": "weights", "answer_start": 34}]}]},
                  {"context": "Dropout switches neurons off.", "qas": [
                    {"id": "a2", "question": "What does dropout switch off?", "answers": [{"text": "neurons", "answer_start": 17}]}]}
                ]}]}
                """);
        assertThat(run(squad.toString(), "--out", tmp.resolve("out").toString())).as(err.toString()).isZero();
        ObjectMapper json = new ObjectMapper();
        List<String> corpus = Files.readAllLines(tmp.resolve("out/corpus.jsonl"));
        List<String> questions = Files.readAllLines(tmp.resolve("out/questions.jsonl"));
        assertThat(corpus).hasSize(2);
        assertThat(json.readTree(corpus.get(1)).get("id").asText()).isEqualTo("Lecture#1");
        assertThat(json.readTree(corpus.get(1)).get("text").asText()).isEqualTo("Dropout switches neurons off.");
        JsonNode q = json.readTree(questions.get(0));
        assertThat(q.get("gold_doc_ids").toString()).isEqualTo("[\"Lecture#0\"]");
        assertThat(q.get("answers").toString()).isEqualTo("[\"large weights\",\"weights\"]");
        assertThat(out.toString()).contains("2 paragraphs").contains("2 questions");
    }

    @Test
    void aFileThatIsNotSquadIsOneClearError() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"data\": [{\"title\": \"x\"}]}");
        assertThat(run(bad.toString(), "--out", tmp.resolve("o").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("bad.json").contains("$.data[0].paragraphs is missing");
        assertThat(run(tmp.resolve("nope.json").toString(), "--out", tmp.resolve("o").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("nope.json does not exist");
    }
}
