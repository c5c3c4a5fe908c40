package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonlReaderTest extends DocumentReaderContract {
    @Override
    DocumentReader reader() {
        return new JsonlReader();
    }

    @Override
    Path writeSample(Path dir) throws IOException {
        return Files.writeString(dir.resolve("sample.jsonl"), "{\"id\": \"s1\", \"text\": \"" + SENTENCE + "\"}\n");
    }

    @Override
    boolean idsFromContent() {
        return true;
    }

    @Test
    void everyLineIsADocumentWithItsOwnIdSourceTitleAndMetadata() throws IOException {
        Path file = Files.writeString(dir.resolve("corpus.jsonl"), """
                {"id": "p1", "text": "The Black Death originated in Central Asia.", "title": "Black_Death", "source": "squad/dev", "metadata": {"split": "dev", "n": 3}}
                {"id": 42, "text": "Esta Lei dispõe sobre o tratamento de dados pessoais, inclusive nos meios digitais."}

                {"id": "p3", "text": "Texto curto.", "language": "pt-BR"}
                """);
        Collected c = Collected.read(file);
        List<Document> docs = new ArrayList<>(c.sections.keySet());
        assertThat(docs).extracting(Document::id).containsExactly("p1", "42", "p3");
        assertThat(docs.get(0).source()).isEqualTo("squad/dev");
        assertThat(docs.get(0).title()).isEqualTo("Black_Death");
        assertThat(docs.get(0).metadata()).containsEntry("split", "dev").containsEntry("n", "3");
        assertThat(docs.get(0).language()).isEqualTo(Language.ENGLISH);
        assertThat(docs.get(1).source()).isEqualTo(file.toString());
        assertThat(docs.get(1).language()).isEqualTo(Language.PORTUGUESE);
        assertThat(docs.get(2).language()).isEqualTo(Language.PORTUGUESE); // given, not guessed
        assertThat(c.sections.get(docs.get(1))).containsExactly(new Section(0, 0,
                "Esta Lei dispõe sobre o tratamento de dados pessoais, inclusive nos meios digitais."));
        assertThat(c.warnings).isEmpty();
    }

    @Test
    void malformedLinesAreReportedWithTheirLineNumberAndSkipped() throws IOException {
        Path file = Files.writeString(dir.resolve("mixed.jsonl"), """
                {"id": "ok1", "text": "Good line one."}
                {"id": "broken", "text": "no closing brace"
                {"text": "no id here"}
                ["an", "array"]
                {"id": "empty", "text": "   "}
                {"id": "ok2", "text": "Good line six.", "metadata": "not an object"}
                {"id": "ok3", "text": "Good line seven."}
                """);
        Collected c = Collected.read(file);
        assertThat(c.sections.keySet()).extracting(Document::id).containsExactly("ok1", "ok3");
        assertThat(c.warnings).hasSize(5);
        assertThat(c.warnings.get(0)).startsWith(file.toString()).contains("line 2: not valid JSON");
        assertThat(c.warnings.get(1)).contains("line 3: missing \"id\"");
        assertThat(c.warnings.get(2)).contains("line 4: not a JSON object");
        assertThat(c.warnings.get(3)).contains("line 5: missing or empty \"text\"");
        assertThat(c.warnings.get(4)).contains("line 6: \"metadata\" must be an object");
    }

    @Test
    void aFileWithNoValidLineIsCorrupt() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "not json\n{\"text\": \"x\"}\n");
        assertThatThrownBy(() -> Collected.read(file))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.CORRUPT))
                .hasMessageContaining("none of its 2 lines");
    }
}
