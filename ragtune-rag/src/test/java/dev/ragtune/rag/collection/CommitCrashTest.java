package dev.ragtune.rag.collection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed at each stage of a commit, or after a random delay, leaves a collection that opens as one of its
 * committed states, passes the deep check, and takes the next ingest, which leaves no leftovers behind.
 */
class CommitCrashTest {
    @TempDir Path tmp;
    Path a;
    Path b;
    final CollectionSettings flat = new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto");

    @BeforeEach
    void setUp() throws IOException {
        a = Files.writeString(tmp.resolve("a.md"), "# A\n\nDropout switches neurons off at random while training.\n");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            text.append("Line ").append(i).append(" tells about subject ").append(i % 53).append(" and index ")
                    .append(i * 3 % 89).append(".\n");
        }
        b = Files.writeString(tmp.resolve("b.txt"), text.toString());
    }

    void ingest(Path dir, Path... files) {
        HashingEmbedder e = new HashingEmbedder();
        try (CollectionWriter w = CollectionWriter.open(dir, e, flat)) {
            new Ingestion(w, e, null).run(List.of(files));
            w.commit();
        }
    }

    /** What an uninterrupted ingest of {@code files} into a new collection holds. */
    List<String> freshContents(Path... files) {
        Path fresh = tmp.resolve("fresh-" + files.length);
        ingest(fresh, files);
        return contents(fresh);
    }

    static List<String> contents(Path dir) {
        try (Collection c = Collection.open(dir)) {
            return c.chunks().stream().map(s -> s.chunk().id() + " " + s.chunk().text()).sorted().toList();
        }
    }

    Process child(Path dir, String crashAt) throws IOException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Dchunks=64"));
        if (crashAt != null) cmd.add("-D" + CrashPoint.PROPERTY + "=" + crashAt);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestChild.class.getName(), dir.toString(),
                b.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** After a crash: the collection is A alone or A + (part of) B, intact; the next ingest makes it A + B exactly. */
    void assertRecovers(Path dir, List<String> onlyA, List<String> both) throws IOException {
        List<String> now = contents(dir);
        assertThat(both).containsAll(now);
        assertThat(now).containsAll(onlyA);
        assertThat(CollectionCheck.run(dir, true, 50).problems()).isEmpty();
        ingest(dir, a, b);
        assertThat(contents(dir)).isEqualTo(both);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        assertThat(CollectionCheck.run(dir, true, 50).problems()).isEmpty();
    }

    @Test
    void aWriterKilledAtEachCommitStageLeavesACommittedStateThatTheNextIngestCompletes() throws Exception {
        List<String> onlyA = freshContents(a);
        List<String> both = freshContents(a, b);
        for (String stage : CrashPoint.ALL) {
            Path dir = tmp.resolve("crash-" + stage);
            ingest(dir, a);
            Process p = child(dir, stage);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(stage).isTrue();
            assertThat(p.exitValue()).as(stage + ": the child died at the crash point").isEqualTo(CrashPoint.EXIT_CODE);
            // the child commits every 64 chunks, so it dies in its first commit: the one after generation 1
            try (Collection c = Collection.open(dir)) {
                assertThat(c.manifest().generation()).as(stage).isEqualTo(stage.equals("committed") ? 2 : 1);
            }
            if (stage.equals("committed")) {
                assertThat(contents(dir)).as(stage).hasSizeGreaterThan(onlyA.size()).isSubsetOf(both);
            } else {
                assertThat(contents(dir)).as(stage).isEqualTo(onlyA);
            }
            assertRecovers(dir, onlyA, both);
        }
    }

    @Test
    void aWriterKilledAfterRandomDelaysLosesNothingCommitted() throws Exception {
        List<String> onlyA = freshContents(a);
        List<String> both = freshContents(a, b);
        Random random = new Random(12);
        for (int trial = 0; trial < 3; trial++) {
            Path dir = tmp.resolve("kill-" + trial);
            ingest(dir, a);
            Process p = child(dir, null);
            Thread.sleep(300 + random.nextInt(1500));
            p.destroyForcibly();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertRecovers(dir, onlyA, both);
        }
    }
}
