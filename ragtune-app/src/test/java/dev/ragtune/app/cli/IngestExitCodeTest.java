package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragtune ingest}'s exit code and JSON summary count every input, including paths that do not exist. */
class IngestExitCodeTest {
    static final ObjectMapper JSON = CliTest.JSON;
    @TempDir Path tmp;

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void aPathThatDoesNotExistIsAFailureWithExitCode1() {
        Path nope = tmp.resolve("nope.pdf");
        CliTest.Run r = run("ingest", "--collection", tmp.resolve("col").toString(), nope.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("1 failed");
        assertThat(r.err()).contains("FAILED " + nope).contains("no such file or folder");
    }

    @Test
    void jsonSummaryListsTheMissingPathAndExitCode3WhenOthersWentIn() throws IOException {
        Path good = Files.writeString(tmp.resolve("good.md"), "# ReLU\n\nReLU returns zero for negative inputs.\n");
        Path nope = tmp.resolve("nope.txt");
        CliTest.Run r = run("ingest", "--collection", tmp.resolve("col").toString(), "--json", good.toString(), nope.toString());
        assertThat(r.code()).as(r.err()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("files").asInt()).isEqualTo(2);
        assertThat(j.get("ingested").asInt()).isEqualTo(1);
        assertThat(j.get("failed").asInt()).isEqualTo(1);
        assertThat(j.get("failures").get(0).get("path").asText()).isEqualTo(nope.toString());
        assertThat(j.get("failures").get(0).get("message").asText()).contains("no such file");
        assertThat(j.get("chunks").asInt()).isEqualTo(1);
        assertThat(j.get("exit_code").asInt()).isEqualTo(3);
    }
}
