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

    @Test
    void pullDownloadsFromTheEndpointPrintsTheSnapshotAndPathFindsIt() throws Exception {
        byte[] config = "{\"model_type\":\"t5\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] weights = new byte[300_000];
        new java.util.Random(7).nextBytes(weights);
        String sha256 = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(weights));
        String commit = "c".repeat(40);
        String listing = "{\"sha\":\"" + commit + "\",\"siblings\":[{\"rfilename\":\"config.json\",\"size\":"
                + config.length + "},{\"rfilename\":\"model.safetensors\",\"size\":" + weights.length
                + ",\"lfs\":{\"sha256\":\"" + sha256 + "\",\"size\":" + weights.length + "}},"
                + "{\"rfilename\":\"pytorch_model.bin\",\"size\":5}]}";
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String p = ex.getRequestURI().getPath();
            byte[] body = p.equals("/api/models/acme/tiny/revision/main") ? listing.getBytes()
                    : p.equals("/acme/tiny/resolve/" + commit + "/config.json") ? config
                    : p.equals("/acme/tiny/resolve/" + commit + "/model.safetensors") ? weights : null;
            ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String cacheDir = tmp.resolve("cache").toString();
            int code = run("pull", "acme/tiny", "--quiet", "--cache", cacheDir,
                    "--endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
            assertThat(code).as(err.toString()).isZero();
            Path snap = tmp.resolve("cache/acme--tiny/snapshots").resolve(commit);
            assertThat(out.toString().strip()).isEqualTo(snap.toString());
            assertThat(err.toString()).contains("2 files downloaded").contains("1 skipped");
            assertThat(Files.readAllBytes(snap.resolve("model.safetensors"))).isEqualTo(weights);
            assertThat(snap.resolve("pytorch_model.bin")).doesNotExist();
            out.getBuffer().setLength(0);
            assertThat(run("path", "acme/tiny", "--cache", cacheDir)).isZero();
            assertThat(out.toString().strip()).isEqualTo(snap.toString());
        } finally {
            server.stop(0);
        }
    }
}
