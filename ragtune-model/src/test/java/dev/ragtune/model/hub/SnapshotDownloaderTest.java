package dev.ragtune.model.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pulls the real tiny T5 golden files from a loopback fake of the hub. */
class SnapshotDownloaderTest {
    static final String REPO = "ragtune/t5-tiny";
    static final String SHA_A = "a".repeat(40);
    static final String SHA_B = "b".repeat(40);
    // Independent references: `sha256sum` and `git hash-object` of the golden files.
    static final String MODEL_SHA256 = "b25edc7b1b8f2a1844127ffb19db3b05fe5cb2b46e4b7e93e97c2833928ae2ce";
    static final String CONFIG_BLOB = "adeeb90118644f712085a6cbe1a1d15040dcea2d";
    static final String GEN_CONFIG_BLOB = "01e67339e80ec5aa2d895fe03a5fbb88242676ad";

    @TempDir Path tmp;
    FakeHub hub;
    ModelCache cache;
    byte[] config;
    byte[] genConfig;
    byte[] model;

    @BeforeEach
    void startHub() throws IOException {
        config = golden("config.json");
        genConfig = golden("generation_config.json");
        model = golden("model.safetensors");
        hub = new FakeHub(REPO, SHA_A);
        hub.put("config.json", config, null, CONFIG_BLOB);
        hub.put("generation_config.json", genConfig, null, GEN_CONFIG_BLOB);
        hub.put("model.safetensors", model, MODEL_SHA256, null);
        hub.put("pytorch_model.bin", new byte[1000], "0".repeat(64), null);
        hub.put("tf_model.h5", new byte[10], "1".repeat(64), null);
        hub.put("flax_model.msgpack", new byte[10], "2".repeat(64), null);
        hub.put("onnx/model_quantized.onnx", new byte[10], "3".repeat(64), null);
        hub.put("README.md", "# tiny".getBytes(), null, null);
        cache = new ModelCache(tmp.resolve("models"));
    }

    @AfterEach
    void stopHub() {
        hub.close();
    }

    static byte[] golden(String name) throws IOException {
        try (InputStream in = SnapshotDownloaderTest.class.getResourceAsStream("/golden/t5-tiny/" + name)) {
            return in.readAllBytes();
        }
    }

    SnapshotDownloader downloader(String token, int retries) {
        HubSettings s = new HubSettings(java.net.URI.create(hub.endpoint()), Optional.ofNullable(token));
        return new SnapshotDownloader(s, cache, PullListener.SILENT, retries, Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(5));
    }

    Path repoDir() {
        return cache.repoDir(new RepoId(REPO));
    }

    @Test
    void pullInstallsByteIdenticalGoldenFilesUnderCommitAndWritesRef() throws IOException {
        PullResult r = downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());

        Path snap = repoDir().resolve("snapshots").resolve(SHA_A);
        assertThat(r.snapshot()).isEqualTo(snap);
        assertThat(r.commitSha()).isEqualTo(SHA_A);
        assertThat(Files.readAllBytes(snap.resolve("config.json"))).isEqualTo(config);
        assertThat(Files.readAllBytes(snap.resolve("generation_config.json"))).isEqualTo(genConfig);
        assertThat(Files.readAllBytes(snap.resolve("model.safetensors"))).isEqualTo(model);
        assertThat(ModelCache.filesUnder(snap)).containsExactlyInAnyOrder("config.json", "generation_config.json",
                "model.safetensors");
        assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(SHA_A);
        assertThat(repoDir().resolve("tmp")).doesNotExist();
        assertThat(r.downloaded()).containsExactlyInAnyOrder("config.json", "generation_config.json",
                "model.safetensors");
        assertThat(r.bytesDownloaded()).isEqualTo(config.length + genConfig.length + model.length);
        assertThat(r.skipped()).extracting(FileSelection.Skipped::path).containsExactlyInAnyOrder("README.md",
                "pytorch_model.bin", "tf_model.h5", "flax_model.msgpack", "onnx/model_quantized.onnx");
        assertThat(r.skipped()).filteredOn(s -> s.path().equals("pytorch_model.bin"))
                .extracting(FileSelection.Skipped::reason).first().asString().contains("safetensors");
        assertThat(hub.sent("pytorch_model.bin")).isZero();
    }

    @Test
    void tokenGoesToTheHubButNotToTheCdnRedirect() throws IOException {
        hub.requiredToken = "hf_secret";
        downloader("hf_secret", 0).pull(new RepoId(REPO), "main", FileSelection.defaults());

        assertThat(hub.authAtHub).isNotEmpty().allMatch("Bearer hf_secret"::equals);
        assertThat(hub.authAtCdn).hasSize(1).containsOnly("null"); // model.safetensors went through the redirect
        assertThat(Files.readAllBytes(repoDir().resolve("snapshots").resolve(SHA_A).resolve("model.safetensors")))
                .isEqualTo(model);
    }

    @Test
    void missingTokenOnPrivateRepoSaysSetHfToken() {
        hub.requiredToken = "hf_secret";
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(HubAccessDeniedException.class)
                .hasMessageContaining("HTTP 401").hasMessageContaining("private")
                .hasMessageContaining("No token was sent: set HF_TOKEN");
        assertThat(repoDir().resolve("snapshots")).doesNotExist();
    }

    @Test
    void wrongTokenOnGatedRepoSaysAcceptConditionsAndSetHfToken() {
        hub.requiredToken = "hf_secret";
        hub.gated = true;
        assertThatThrownBy(() -> downloader("hf_wrong", 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(HubAccessDeniedException.class)
                .hasMessageContaining(REPO + " is gated").hasMessageContaining(hub.endpoint() + "/" + REPO)
                .hasMessageContaining("HF_TOKEN");
    }

    @Test
    void unknownRepoAndUnknownRevisionAreNamedIn404Messages() {
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId("nobody/nothing"), "main",
                FileSelection.defaults()))
                .isInstanceOf(HubNotFoundException.class)
                .hasMessageContaining("no such repo nobody/nothing").hasMessageContaining("404");
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "v9.9", FileSelection.defaults()))
                .isInstanceOf(HubNotFoundException.class)
                .hasMessageContaining(REPO + " has no revision 'v9.9'").hasMessageContaining("--revision");
    }

    @Test
    void offlineEndpointSaysOfflineNamesTheFilesAndTheExactFolder() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + closedPort;
        SnapshotDownloader d = new SnapshotDownloader(new HubSettings(java.net.URI.create(endpoint), Optional.empty()),
                cache, PullListener.SILENT, 0, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(2));
        assertThatThrownBy(() -> d.pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(HubUnreachableException.class)
                .hasMessageContaining("cannot reach " + endpoint + " — you seem offline")
                .hasMessageContaining("Download the files of " + REPO + " by hand")
                .hasMessageContaining("config.json").hasMessageContaining("*.safetensors")
                .hasMessageContaining("into " + repoDir().resolve("snapshots").resolve("main"))
                .hasMessageContaining("or set HF_ENDPOINT to a mirror");
        // and the folder named there is one ModelLocator accepts
        Files.createDirectories(repoDir().resolve("snapshots/main"));
        assertThat(new ModelLocator(cache).resolve(REPO)).isEqualTo(repoDir().resolve("snapshots/main"));
    }

    @Test
    void connectionCutMidFileIsResumedWithRangeNotRestarted() throws IOException {
        hub.cut("model.safetensors", 300_000, 1);
        PullResult r = downloader(null, 2).pull(new RepoId(REPO), "main", FileSelection.defaults());

        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=300000-");
        assertThat(hub.sent("model.safetensors")).isEqualTo(model.length); // 300,000 + the rest; a restart sends more
        assertThat(Files.readAllBytes(r.snapshot().resolve("model.safetensors"))).isEqualTo(model);
    }

    @Test
    void pullThatGivesUpKeepsThePartialFileAndTheNextPullResumesIt() throws IOException {
        hub.cut("model.safetensors", 400_000, 1);
        Path partial = repoDir().resolve("tmp").resolve(SHA_A).resolve("model.safetensors.incomplete");
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(DownloadInterruptedException.class)
                .hasMessageContaining("broke off after 400000 of " + model.length)
                .hasMessageContaining("partial file is kept in " + partial)
                .hasMessageContaining("run the same `ragtune model pull " + REPO + "` again to resume");
        assertThat(repoDir().resolve("snapshots")).doesNotExist();
        assertThat(repoDir().resolve("refs")).doesNotExist();
        assertThat(Files.size(partial)).isEqualTo(400_000);

        PullResult r = downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());
        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=400000-");
        assertThat(hub.sent("model.safetensors")).isEqualTo(model.length);
        assertThat(r.reused()).containsExactlyInAnyOrder("config.json", "generation_config.json");
        assertThat(Files.readAllBytes(r.snapshot().resolve("model.safetensors"))).isEqualTo(model);
        assertThat(partial).doesNotExist();
    }

    @Test
    void serverThatIgnoresRangeMakesTheDownloadRestartFromZero() throws IOException {
        hub.ignoreRange = true;
        hub.cut("model.safetensors", 500_000, 1);
        PullResult r = downloader(null, 1).pull(new RepoId(REPO), "main", FileSelection.defaults());

        assertThat(hub.rangeHeaders).containsExactly("model.safetensors bytes=500000-"); // asked, got a 200
        assertThat(hub.sent("model.safetensors")).isEqualTo(500_000 + model.length);
        assertThat(Files.readAllBytes(r.snapshot().resolve("model.safetensors"))).isEqualTo(model);
    }

    @Test
    void wrongSha256FailsDeletesThePartialAndLeavesTheEarlierSnapshotIntact() throws IOException {
        downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());
        Path snapA = repoDir().resolve("snapshots").resolve(SHA_A);

        hub.commitSha = SHA_B; // main moves on, and the new commit's weights arrive corrupted
        byte[] bad = model.clone();
        bad[bad.length / 2] ^= 1;
        hub.corrupt.put("model.safetensors", bad);
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("model.safetensors").hasMessageContaining("SHA-256")
                .hasMessageContaining("the hub says " + MODEL_SHA256).hasMessageContaining("deleted");

        assertThat(repoDir().resolve("snapshots").resolve(SHA_B)).doesNotExist();
        assertThat(repoDir().resolve("tmp").resolve(SHA_B).resolve("model.safetensors.incomplete")).doesNotExist();
        assertThat(repoDir().resolve("tmp").resolve(SHA_B).resolve("model.safetensors")).doesNotExist();
        assertThat(Files.readString(repoDir().resolve("refs/main"))).isEqualTo(SHA_A);
        assertThat(Files.readAllBytes(snapA.resolve("model.safetensors"))).isEqualTo(model);
        assertThat(new ModelLocator(cache).resolve(REPO)).isEqualTo(snapA);
    }

    @Test
    void smallFileWithWrongGitBlobIdIsRejected() {
        byte[] bad = config.clone();
        bad[5] = (byte) (bad[5] == 'x' ? 'y' : 'x');
        hub.corrupt.put("config.json", bad);
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(ChecksumMismatchException.class)
                .hasMessageContaining("config.json").hasMessageContaining("git blob id")
                .hasMessageContaining(CONFIG_BLOB);
        assertThat(repoDir().resolve("snapshots")).doesNotExist();
    }

    @Test
    void secondPullOfTheSameCommitTransfersNothing() throws IOException {
        downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());
        long before = hub.sent("model.safetensors");
        PullResult again = downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());
        assertThat(again.downloaded()).isEmpty();
        assertThat(again.bytesDownloaded()).isZero();
        assertThat(hub.sent("model.safetensors")).isEqualTo(before);
    }

    @Test
    void includeGlobsReplaceTheDefaultSelectionAndAddToAnExistingSnapshot() throws IOException {
        PullResult onlyJson = downloader(null, 0).pull(new RepoId(REPO), "main",
                FileSelection.including(List.of("*.json")));
        assertThat(ModelCache.filesUnder(onlyJson.snapshot()))
                .containsExactlyInAnyOrder("config.json", "generation_config.json");

        PullResult plusReadme = downloader(null, 0).pull(new RepoId(REPO), SHA_A,
                FileSelection.including(List.of("README.md")));
        assertThat(ModelCache.filesUnder(plusReadme.snapshot()))
                .containsExactlyInAnyOrder("config.json", "generation_config.json", "README.md");
        assertThat(repoDir().resolve("refs").resolve(SHA_A)).doesNotExist(); // a commit is not a ref
    }

    @Test
    void selectionMatchingNothingListsWhatTheRepoHas() {
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main",
                FileSelection.including(List.of("*.gguf"))))
                .isInstanceOf(HubNotFoundException.class)
                .hasMessageContaining("--include").hasMessageContaining("model.safetensors");
    }

    @Test
    void secondPullOfTheSameRepoIsRefusedWhileTheLockIsHeld() throws IOException {
        Files.createDirectories(repoDir());
        try (FileChannel ch = FileChannel.open(repoDir().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertThat(held.isValid()).isTrue();
            assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                    .isInstanceOf(CacheLockedException.class)
                    .hasMessageContaining("another pull of " + REPO + " is running");
        }
        assertThat(hub.authAtHub).isEmpty(); // refused before any network traffic
    }

    @Test
    void pullIsRefusedWhileAnotherProcessPullsTheSameRepoAndWorksAfterwards() throws Exception {
        Files.createDirectories(repoDir());
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), repoDir().resolve(".lock").toString()).redirectErrorStream(true).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()))
                    .readLine();
            assertThat(first).isEqualTo("locked true");
            assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                    .isInstanceOf(CacheLockedException.class)
                    .hasMessageContaining("another pull of " + REPO + " is running");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        PullResult r = downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults());
        assertThat(Files.readAllBytes(r.snapshot().resolve("model.safetensors"))).isEqualTo(model);
    }

    @Test
    void unreachableCdnAfterTheListingSaysOfflineAndListsTheExactFiles() throws IOException {
        String cdn = hub.cdnEndpoint();
        hub.stopCdn();
        assertThatThrownBy(() -> downloader(null, 1).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(HubUnreachableException.class)
                .hasMessageContaining("you seem offline")
                .hasMessageContaining("cannot connect to " + cdn.substring("http://".length()) + ", where 127.0.0.1"
                        + " redirected the download")
                .hasMessageContaining("(config.json, generation_config.json, model.safetensors)")
                .hasMessageContaining("into " + repoDir().resolve("snapshots").resolve("main"));
        assertThat(cdn).isNotEqualTo(hub.endpoint());
        assertThat(repoDir().resolve("snapshots")).doesNotExist();
    }

    @Test
    void fileNameEscapingTheSnapshotIsRefusedBeforeAnyDownload() {
        hub.put("../../evil.json", "{}".getBytes(), null, null);
        assertThatThrownBy(() -> downloader(null, 0).pull(new RepoId(REPO), "main", FileSelection.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsafe file name from the hub: '../../evil.json'");
        assertThat(cache.root().resolve("evil.json")).doesNotExist();
        assertThat(hub.sent("config.json")).isZero();
    }
}
