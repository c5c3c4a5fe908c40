package dev.ragtune.app.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The anchor protocol against tiny fake "python" executables (shell scripts), so no Python venv is needed: requests
 * arrive as JSON lines, replies come back parsed, and every way an anchor can fail is one clear IOException.
 */
class PythonAnchorTest {
    @TempDir Path tmp;

    /** A fake python: a shell script with this body; the anchor script path it gets as $1 is ignored. */
    static Path fakePython(Path dir, String body) throws IOException {
        Path python = dir.resolve("fake-python-" + Math.abs(body.hashCode()));
        Files.writeString(python, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
        return python;
    }

    Path script() throws IOException {
        return Files.writeString(tmp.resolve("anchor.py"), "# stands in for a bench/python script\n");
    }

    @Test
    void eachRequestReachesTheAnchorAsOneJsonLineAndItsReplyComesBackWithItsVersions() throws IOException {
        Path python = fakePython(tmp, "while IFS= read -r line; do "
                + "echo \"{\\\"got\\\": $line, \\\"args\\\": \\\"$*\\\", \\\"threads\\\": \\\"$OMP_NUM_THREADS\\\", "
                + "\\\"versions\\\": {\\\"faiss-cpu\\\": \\\"0.0-fake\\\"}}\"; done");
        try (PythonAnchor anchor = PythonAnchor.start(python, script(), List.of("--n", "7"), 3)) {
            JsonNode first = anchor.ask(Map.of("op", "search", "ef", 64));
            assertThat(first.get("got").get("op").asText()).isEqualTo("search");
            assertThat(first.get("got").get("ef").asInt()).isEqualTo(64);
            assertThat(first.get("args").asText()).endsWith("anchor.py --n 7");
            assertThat(first.get("threads").asText()).isEqualTo("3");
            JsonNode second = anchor.ask(Map.of("op", "build"));
            assertThat(second.get("got").get("op").asText()).isEqualTo("build");
            assertThat(anchor.versions()).isEqualTo("{\"faiss-cpu\":\"0.0-fake\"}");
        }
    }

    @Test
    void anAnswerWithAnErrorFieldFailsWithTheAnchorsMessage() throws IOException {
        Path python = fakePython(tmp, "while IFS= read -r line; do echo '{\"error\": \"ValueError: unknown op\"}'; done");
        try (PythonAnchor anchor = PythonAnchor.start(python, script(), List.of(), 1)) {
            assertThatThrownBy(() -> anchor.ask(Map.of("op", "nope")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("anchor anchor.py failed on {\"op\":\"nope\"}: ValueError: unknown op");
        }
    }

    @Test
    void anAnchorThatDiesNamesItsLastStderrLineAndTheSetupScript() throws IOException {
        Path python = fakePython(tmp, "echo \"ModuleNotFoundError: No module named 'faiss'\" >&2; exit 3");
        try (PythonAnchor anchor = PythonAnchor.start(python, script(), List.of(), 1)) {
            assertThatThrownBy(() -> anchor.ask(Map.of("op", "build")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("(exit 3)")
                    .hasMessageContaining("ModuleNotFoundError: No module named 'faiss'")
                    .hasMessageContaining("bench/python/setup.sh");
        }
    }

    @Test
    void noiseOnStdoutIsRejectedAsNotJson() throws IOException {
        Path python = fakePython(tmp, "while IFS= read -r line; do echo 'Loading weights: 100%'; done");
        try (PythonAnchor anchor = PythonAnchor.start(python, script(), List.of(), 1)) {
            assertThatThrownBy(() -> anchor.ask(Map.of("op", "build")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not JSON: 'Loading weights: 100%'");
        }
    }

    @Test
    void aMissingPythonOrScriptIsNamedBeforeAnythingRuns() throws IOException {
        assertThatThrownBy(() -> PythonAnchor.start(tmp.resolve("no-python"), script(), List.of(), 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("--anchor " + tmp.resolve("no-python") + " is not an executable Python")
                .hasMessageContaining("bench/python/setup.sh");
        Path python = fakePython(tmp, "exit 0");
        assertThatThrownBy(() -> PythonAnchor.start(python, tmp.resolve("missing.py"), List.of(), 1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("anchor script " + tmp.resolve("missing.py") + " not found");
    }

    @Test
    void aReplyWithoutTheExpectedNumberNamesTheField() {
        JsonNode reply = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("p50_ms", "fast");
        assertThatThrownBy(() -> PythonAnchor.number(reply, "p50_ms"))
                .isInstanceOf(IOException.class).hasMessageContaining("no number 'p50_ms'");
    }

    @Test
    void speedupDividesRatesOneWayAndTimesTheOther() {
        assertThat(SideBySide.rate("qps", "q/s", 300, 100).speedup()).isEqualTo(3.0);
        assertThat(SideBySide.time("p50", "ms", 0.5, 2.0).speedup()).isEqualTo(4.0);
        assertThat(SideBySide.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(SideBySide.median(List.of(4.0, 1.0))).isEqualTo(2.5);
    }
}
