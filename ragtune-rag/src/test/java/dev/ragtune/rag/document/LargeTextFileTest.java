package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 200 MB text file goes through reader and chunker in a child JVM limited to 64 MiB of heap: proof that neither
 * holds the file. The chunk count is predicted from the file's layout and the documented block and packing rules.
 */
class LargeTextFileTest {
    private static final long TARGET_BYTES = 200_000_000L;
    private static final int SENTENCES_PER_PARAGRAPH = 5;
    private static final int WORDS_PER_SENTENCE = 20;

    @TempDir
    Path dir;

    @Test
    void twoHundredMegabyteFileIsChunkedIn64MegabytesOfHeap() throws Exception {
        Path file = dir.resolve("huge.txt");
        Path log = dir.resolve("child.log");
        try {
            // Sentence = "Sentence NNNNNNNN" + 17 filler words + "end." = 20 whitespace tokens, fixed length
            String filler = " alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho";
            int sentenceChars = "Sentence 00000000".length() + filler.length() + " end.".length();
            int paragraphChars = SENTENCES_PER_PARAGRAPH * sentenceChars + (SENTENCES_PER_PARAGRAPH - 1) + 2;
            int paragraphs = (int) (TARGET_BYTES / paragraphChars);
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                int n = 0;
                for (int p = 0; p < paragraphs; p++) {
                    for (int s = 0; s < SENTENCES_PER_PARAGRAPH; s++) {
                        if (s > 0) w.write(' ');
                        w.write(String.format("Sentence %08d", n++));
                        w.write(filler);
                        w.write(" end.");
                    }
                    w.write("\n\n");
                }
            }
            assertThat(Files.size(file)).isEqualTo((long) paragraphs * paragraphChars).isGreaterThan(199_000_000L);

            // Expected: sections hold floor(block / paragraph) whole paragraphs (cut after the last blank line);
            // 200-token chunks hold 10 sentences; 32 tokens of overlap repeat one 20-token sentence, so each chunk
            // after a section's first brings 9 new sentences.
            int perSection = TextBlocks.BLOCK_CHARS / paragraphChars;
            long expectedChunks = 0;
            for (int left = paragraphs; left > 0; left -= perSection) {
                int sentences = Math.min(left, perSection) * SENTENCES_PER_PARAGRAPH;
                expectedChunks += sentences <= 10 ? 1 : 1 + (sentences - 10 + 8) / 9;
            }

            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(List.of(java, "-Xmx64m", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"),
                    BoundedMemoryIngest.class.getName(), file.toString(), "200", "32"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean done = child.waitFor(15, TimeUnit.MINUTES);
            if (!done) child.destroyForcibly();
            String out = Files.readString(log);
            System.out.println("child JVM (-Xmx64m) over " + Files.size(file) + " bytes: " + out.strip()
                    + " expectedChunks=" + expectedChunks);
            assertThat(done).as("child finished; output: %s", out).isTrue();
            assertThat(child.exitValue()).as("child exit code; output: %s", out).isZero();
            assertThat(out).contains("chunks=" + expectedChunks + " ")
                    .contains("sentences=" + (long) paragraphs * SENTENCES_PER_PARAGRAPH + " ")
                    .contains("maxTokens=200 ")
                    .contains("heapMaxMiB=");
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
