package dev.ragtune.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ragtune bench faults} on two small demo files: one trial of every fault, nothing silently wrong. */
class FaultBenchTest {
    @TempDir Path tmp;

    @Test
    void everyKillIsRecoveredAndEveryDamageIsDetectedOrHarmless() throws Exception {
        Path demo = Path.of("..", "docs", "demo").toAbsolutePath().normalize();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.copy(demo.resolve("aula-redes-neurais.jsonl"), docs.resolve("a-aula.jsonl"));
        Files.copy(demo.resolve("peft-quicktour.md"), docs.resolve("b-peft.md"));
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        int code = cl.execute("bench", "faults", "--trials", "1", "--kills", "1", "--docs", docs.toString(), "--json");
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(code).as(out.toString()).isZero();
        assertThat(j.get("silently_wrong").asInt()).isZero();
        assertThat(j.get("kills")).hasSize(7);
        for (JsonNode row : j.get("kills")) {
            assertThat(row.get("recovered by next ingest").asInt()).as(row.toString()).isEqualTo(row.get("trials").asInt());
        }
        assertThat(j.get("damage")).hasSize(12);
        for (JsonNode row : j.get("damage")) {
            int detected = row.get("detected on open/search").asInt() + row.get("detected by check --deep").asInt();
            assertThat(detected + row.get("harmless").asInt()).as(row.toString()).isEqualTo(row.get("trials").asInt());
            if (row.get("fault").asText().matches(".*(dense|bm25)")) {
                assertThat(row.get("recovered by --reindex").asInt()).as(row.toString()).isEqualTo(detected);
            }
        }
    }
}
