package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelCommandTest {
    @TempDir Path tmp;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    int run(String... args) {
        CommandLine cl = new CommandLine(new ModelCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    Path fakeSnapshot(String folder, String sha, String ref) throws IOException {
        Path snap = Files.createDirectories(tmp.resolve("cache").resolve(folder).resolve("snapshots").resolve(sha));
        Files.write(snap.resolve("model.safetensors"), new byte[2_500_000]);
        Files.writeString(snap.resolve("config.json"), "{}");
        Path refs = Files.createDirectories(tmp.resolve("cache").resolve(folder).resolve("refs"));
        Files.writeString(refs.resolve(ref), sha);
        return snap;
    }

    @Test
    void listShowsRepoRevisionCommitAndSizeOfEachSnapshot() throws IOException {
        fakeSnapshot("google--flan-t5-small", "0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab", "main");
        assertThat(run("list", "--cache", tmp.resolve("cache").toString())).isZero();
        assertThat(out.toString()).contains("google/flan-t5-small").contains("main").contains("0fc9ddf78a1e")
                .contains("2.5 MB");
    }

    @Test
    void pathPrintsTheSnapshotOrSaysHowToPull() throws IOException {
        Path snap = fakeSnapshot("google--flan-t5-small", "0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab", "main");
        assertThat(run("path", "google/flan-t5-small", "--cache", tmp.resolve("cache").toString())).isZero();
        assertThat(out.toString().strip()).isEqualTo(snap.toString());

        assertThat(run("path", "google/flan-t5-base", "--cache", tmp.resolve("cache").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("./ragtune model pull google/flan-t5-base");
    }

    @Test
    void pullWhileOfflineExitsOneWithTheOfflineAdvice() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int code = run("pull", "google/flan-t5-small", "--quiet", "--cache", tmp.resolve("cache").toString(),
                "--endpoint", "http://127.0.0.1:" + port);
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("you seem offline").contains("google/flan-t5-small")
                .contains(tmp.resolve("cache").resolve("google--flan-t5-small/snapshots/main").toString());
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void pullRejectsAMalformedRepoId() {
        assertThat(run("pull", "not a repo", "--cache", tmp.resolve("cache").toString())).isEqualTo(1);
        assertThat(err.toString()).contains("is not a hub repository id");
    }
}
