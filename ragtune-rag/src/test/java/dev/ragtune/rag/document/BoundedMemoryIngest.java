package dev.ragtune.rag.document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Child-JVM entry point of {@link LargeTextFileTest}: reads and chunks one file with a whitespace token counter and
 * prints {@code chunks=<n> sentences=<distinct sentence numbers seen> maxTokens=<largest chunk>}.
 */
public final class BoundedMemoryIngest {
    private static final Pattern SENTENCE_NUMBER = Pattern.compile("Sentence (\\d{8})");

    private BoundedMemoryIngest() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0]);
        int chunkTokens = Integer.parseInt(args[1]);
        int overlapTokens = Integer.parseInt(args[2]);
        TokenCounter words = new WhitespaceTokenCounter();
        BitSet seen = new BitSet();
        long[] chunks = new long[1];
        int[] maxTokens = new int[1];
        DocumentReaders.read(file.getParent(), file, new Chunker(words, chunkTokens, overlapTokens).visitor(
                (Document document, List<Chunk> batch) -> {
                    for (Chunk c : batch) {
                        chunks[0]++;
                        maxTokens[0] = Math.max(maxTokens[0], words.count(c.text()));
                        Matcher m = SENTENCE_NUMBER.matcher(c.text());
                        while (m.find()) seen.set(Integer.parseInt(m.group(1)));
                    }
                }));
        System.out.println("chunks=" + chunks[0] + " sentences=" + seen.cardinality() + " maxTokens=" + maxTokens[0]
                + " heapMaxMiB=" + Runtime.getRuntime().maxMemory() / (1 << 20));
    }
}
