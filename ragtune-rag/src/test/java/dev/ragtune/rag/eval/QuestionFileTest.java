package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.testsupport.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading questions from JSONL (with bad lines) and SQuAD, and writing the SQuAD corpus for ingestion. */
class QuestionFileTest {
    @TempDir Path tmp;

    @Test
    void malformedLinesAreReportedWithTheirNumbersAndTheRestIsRead() throws IOException {
        Path f = tmp.resolve("q.jsonl");
        Files.writeString(f, String.join("\n",
                "{\"id\": \"q1\", \"question\": \"Who won?\", \"answers\": [\"Denver Broncos\"], \"gold_doc_ids\": [\"sb#0\"]}",
                "{\"id\": \"q2\", \"question\": \"Where?\"",
                "",
                "{\"id\": \"q3\", \"question\": \"When?\"}",
                "{\"id\": \"q1\", \"question\": \"Again?\", \"answers\": [\"x\"]}",
                "[1, 2]",
                "{\"id\": \"q4\", \"question\": \"Which?\", \"answers\": \"not a list\"}",
                "{\"id\": \"q5\", \"question\": \"How many?\", \"answers\": [\"3\", \"three\"], \"gold_chunk_ids\": [\"d#0#1\"]}"));
        QuestionFile.Loaded loaded = QuestionFile.read(f);
        assertThat(loaded.format()).isEqualTo("jsonl");
        assertThat(loaded.questions()).extracting(EvalQuestion::id).containsExactly("q1", "q5");
        assertThat(loaded.questions().get(0).goldDocIds()).containsExactly("sb#0");
        assertThat(loaded.questions().get(1).goldChunkIds()).containsExactly("d#0#1");
        assertThat(loaded.questions().get(1).answers()).containsExactly("3", "three");
        assertThat(loaded.problems()).hasSize(5);
        assertThat(loaded.problems().get(0)).contains("line 2").contains("not valid JSON");
        assertThat(loaded.problems().get(1)).contains("line 4").contains("missing \"answers\"");
        assertThat(loaded.problems().get(2)).contains("line 5").contains("'q1' was used on an earlier line");
        assertThat(loaded.problems().get(3)).contains("line 6").contains("not a JSON object");
        assertThat(loaded.problems().get(4)).contains("line 7").contains("\"answers\" must be a list");
        assertThat(loaded.problems()).allSatisfy(p -> assertThat(p).startsWith(f.toString()));
    }

    @Test
    void aFileWithoutAnyValidQuestionIsAnErrorNamingTheFile() throws IOException {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(f, "{\"id\": 1}\n");
        assertThatThrownBy(() -> QuestionFile.read(f)).isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("line 1");
        assertThatThrownBy(() -> QuestionFile.read(tmp.resolve("missing.jsonl"))).isInstanceOf(InvalidDatasetException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void squadQuestionsGetTheirParagraphIdAsGoldDocumentAndDistinctAnswers() throws IOException {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        QuestionFile.Loaded loaded = QuestionFile.fromSquad(squad);
        assertThat(loaded.questions()).hasSize(squad.questions().size());
        EvalQuestion first = loaded.questions().get(0);
        // the first question of the SQuAD v1.1 dev set
        assertThat(first.question()).isEqualTo("Which NFL team represented the AFC at Super Bowl 50?");
        assertThat(first.answers()).containsExactly("Denver Broncos");
        assertThat(first.goldDocIds()).containsExactly("Super_Bowl_50#0");
    }

    @Test
    void theSquadCorpusHasOneDocumentPerParagraphWithTheGoldIdsAndRoundTripsTheQuestions() throws IOException {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        Path corpus = tmp.resolve("corpus.jsonl");
        QuestionFile.writeSquadCorpus(squad, "squad-dev", corpus);
        List<String> lines = Files.readAllLines(corpus);
        assertThat(lines).hasSize(squad.paragraphs().size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertThat(first.get("id").asText()).isEqualTo("Super_Bowl_50#0");
        assertThat(first.get("text").asText()).isEqualTo(squad.paragraphs().get(0).text());

        Path questions = tmp.resolve("questions.jsonl");
        List<EvalQuestion> qs = QuestionFile.fromSquad(squad).questions().subList(0, 50);
        QuestionFile.writeJsonl(qs, questions);
        assertThat(QuestionFile.read(questions).questions()).isEqualTo(qs);
        // written atomically through a temp file, yet readable by others like any report (not the temp file's 0600)
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(corpus)))
                .isEqualTo("rw-r--r--");
        try (var files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
