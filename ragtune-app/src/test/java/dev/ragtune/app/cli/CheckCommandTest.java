package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.app.cli.CliTest.Run;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ragtune check} finds damage and names the repair; {@code ingest --reindex} repairs and exits 0 only then. */
class CheckCommandTest {
    @TempDir Path tmp;

    static Run run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void damageIsOneLineNamingTheFileAndTheReindexRepairsIt() throws IOException {
        Path demo = Path.of("..", "docs", "demo").toAbsolutePath().normalize();
        Path lecture = Files.copy(demo.resolve("aula-redes-neurais.jsonl"), tmp.resolve("aula.jsonl"));
        String col = tmp.resolve("col").toString();
        assertThat(run("ingest", "--collection", col, lecture.toString()).code()).isZero();
        Run ok = run("check", "--collection", col, "--deep");
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("intact");
        String before = run("search", "--collection", col, "--json", "-k", "3", "função de ativação ReLU").out();

        Path vectors;
        try (Stream<Path> s = Files.list(tmp.resolve("col").resolve("dense.1"))) {
            vectors = s.filter(p -> p.getFileName().toString().startsWith("flat-vectors-")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(vectors.toFile(), "rw")) {
            f.seek(40);
            f.write(0x7f);
        }
        Run damaged = run("check", "--collection", col);
        assertThat(damaged.code()).isEqualTo(1);
        assertThat(damaged.out()).contains("DAMAGED " + vectors).contains("ragtune ingest --collection " + col + " --reindex");
        Run search = run("search", "--collection", col, "x");
        assertThat(search.code()).isEqualTo(1);
        assertThat(search.err().strip()).doesNotContain("\n").doesNotContain("Exception").contains(vectors.toString());
        JsonNode j = IngestExitCodeTest.JSON.readTree(run("check", "--collection", col, "--json").out());
        assertThat(j.get("ok").asBoolean()).isFalse();
        assertThat(j.get("problems").get(0).asText()).contains(vectors.toString());

        Run repair = run("ingest", "--collection", col, "--reindex");
        assertThat(repair.code()).as(repair.err()).isZero();
        assertThat(run("check", "--collection", col, "--deep").code()).isZero();
        assertThat(run("search", "--collection", col, "--json", "-k", "3", "função de ativação ReLU").out()
                .replaceAll("\"timings_ms\":\\{[^}]*}", "")).isEqualTo(before.replaceAll("\"timings_ms\":\\{[^}]*}", ""));
    }

    @Test
    void infoRefusesAHandEditedManifestCountAndTheReindexRewritesIt() throws IOException {
        Path f = Files.writeString(tmp.resolve("one.md"), "# Um\n\nDropout desliga neurônios ao acaso.\n");
        String col = tmp.resolve("col").toString();
        assertThat(run("ingest", "--collection", col, f.toString()).code()).isZero();
        Path manifest = tmp.resolve("col").resolve("manifest.json");
        Files.writeString(manifest, Files.readString(manifest).replace("\"chunks\" : 1,", "\"chunks\" : 100,"));
        Run info = run("info", "--collection", col);
        assertThat(info.code()).isEqualTo(1);
        assertThat(info.out()).doesNotContain("100");
        assertThat(info.err()).contains(manifest.toString()).contains("edited by hand").contains("--reindex");
        assertThat(run("ingest", "--collection", col, "--reindex").code()).isZero();
        Run fixed = run("info", "--collection", col);
        assertThat(fixed.code()).isZero();
        assertThat(fixed.out()).contains("\"chunks\" : 1,");
    }

    @Test
    void aMissingCollectionIsAProblemNotAStackTrace() {
        Run r = run("check", "--collection", tmp.resolve("nope").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("no collection at");
    }
}
