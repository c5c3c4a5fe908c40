package dev.ragtune.app.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.document.ChunkSink;
import dev.ragtune.rag.document.Chunker;
import dev.ragtune.rag.document.Document;
import dev.ragtune.rag.document.DocumentException;
import dev.ragtune.rag.document.DocumentReaders;
import dev.ragtune.rag.document.DocumentVisitor;
import dev.ragtune.rag.document.Section;
import dev.ragtune.rag.document.TokenCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Throughput of reading and chunking real documents, per format, with the quality bought: how full chunks are
 * (mean tokens / budget), how many go over budget (must be 0), how much text the overlap repeats, and how many
 * tokenizer calls each chunk costs. Each file is read twice: reader alone, then reader + chunker.
 */
@Command(name = "chunk", mixinStandardHelpOptions = true,
        description = "Benchmark document readers and the chunker over files or folders.")
public final class ChunkBench implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders (walked recursively).")
    List<Path> paths;

    @Option(names = "--tokenizer", paramLabel = "tokenizer.json",
            description = "HF tokenizer.json to count tokens with (e.g. all-MiniLM-L6-v2); default: whitespace words.")
    Path tokenizer;

    @Option(names = "--chunk-tokens", defaultValue = "200", description = "Chunk budget in tokens (default ${DEFAULT-VALUE}).")
    int chunkTokens;

    @Option(names = "--overlap-tokens", defaultValue = "32", description = "Overlap in tokens (default ${DEFAULT-VALUE}).")
    int overlapTokens;

    @Option(names = "--repeat", defaultValue = "3", description = "Timed passes per file; the fastest counts (default ${DEFAULT-VALUE}).")
    int repeat;

    /** Totals for one format. */
    private static final class Stats {
        int files;
        int failed;
        long bytes;
        long chars;
        long chunks;
        long chunkTokens;
        long chunkChars;
        long overBudget;
        long counterCalls;
        long readNanos;
        long chunkNanos;
        long countNanos;
    }

    @Override
    public Integer call() throws Exception {
        List<Path> files = new ArrayList<>();
        for (Path p : paths) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).filter(DocumentReaders::isSupported).sorted().forEach(files::add);
                }
            } else {
                files.add(p);
            }
        }
        HuggingFaceTokenizer hf = tokenizer == null ? null : HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizer).optAddSpecialTokens(false).optTruncation(false).optPadding(false).build();
        try {
            AtomicLong calls = new AtomicLong();
            AtomicLong countNanos = new AtomicLong();
            TokenCounter base = hf == null ? ChunkBench::words : text -> hf.encode(text).getIds().length;
            TokenCounter counting = text -> {
                calls.incrementAndGet();
                long t = System.nanoTime();
                int n = base.count(text);
                countNanos.addAndGet(System.nanoTime() - t);
                return n;
            };
            Chunker chunker = new Chunker(counting, chunkTokens, overlapTokens);
            Map<String, Stats> byFormat = new TreeMap<>();
            for (Path file : files) {
                String format = extension(file);
                Stats st = byFormat.computeIfAbsent(format, f -> new Stats());
                st.files++;
                try {
                    long bestRead = Long.MAX_VALUE;
                    long bestChunk = Long.MAX_VALUE;
                    long bestCount = 0;
                    long[] chars = new long[1];
                    List<Chunk> chunks = new ArrayList<>();
                    for (int r = 0; r < repeat; r++) {
                        chars[0] = 0;
                        long t0 = System.nanoTime();
                        DocumentReaders.read(file.getParent(), file, charCounter(chars));
                        bestRead = Math.min(bestRead, System.nanoTime() - t0);
                        chunks.clear();
                        calls.set(0);
                        countNanos.set(0);
                        long t1 = System.nanoTime();
                        DocumentReaders.read(file.getParent(), file, chunker.visitor(collector(chunks)));
                        long took = System.nanoTime() - t1;
                        if (took < bestChunk) {
                            bestChunk = took;
                            bestCount = countNanos.get();
                        }
                    }
                    st.bytes += Files.size(file);
                    st.chars += chars[0];
                    st.readNanos += bestRead;
                    st.chunkNanos += bestChunk;
                    st.countNanos += bestCount;
                    st.chunks += chunks.size();
                    st.counterCalls += calls.get();
                    for (Chunk c : chunks) {
                        int t = base.count(c.text());
                        st.chunkTokens += t;
                        st.chunkChars += c.text().length();
                        if (t > chunkTokens) st.overBudget++;
                    }
                } catch (DocumentException e) {
                    st.failed++;
                    System.out.println("skipped " + e.getMessage());
                }
            }
            print(byFormat, files.size());
        } finally {
            if (hf != null) hf.close();
        }
        return 0;
    }

    private void print(Map<String, Stats> byFormat, int fileCount) throws IOException {
        System.out.printf(Locale.ROOT, "bench-chunk: %d files, counter=%s, chunk=%d overlap=%d, best of %d passes%n",
                fileCount, tokenizer == null ? "whitespace" : tokenizer.getFileName(), chunkTokens, overlapTokens, repeat);
        System.out.printf(Locale.ROOT, "%-9s %5s %4s %9s %10s %11s %11s %7s %8s %7s %6s %9s %6s%n", "format", "files", "fail",
                "MB", "chars", "read MB/s", "+chunk MB/s", "chunks", "fill", "over", "repeat", "calls/chk", "count%");
        for (Map.Entry<String, Stats> e : byFormat.entrySet()) {
            Stats s = e.getValue();
            double mb = s.bytes / 1e6;
            System.out.printf(Locale.ROOT, "%-9s %5d %4d %9.2f %10d %11.1f %11.1f %7d %7.1f%% %7d %5.1f%% %9.2f %5.1f%%%n",
                    e.getKey(), s.files, s.failed, mb, s.chars, mb / (s.readNanos / 1e9), mb / (s.chunkNanos / 1e9),
                    s.chunks, s.chunks == 0 ? 0 : 100.0 * s.chunkTokens / s.chunks / chunkTokens, s.overBudget,
                    s.chars == 0 ? 0 : 100.0 * (s.chunkChars - s.chars) / s.chars,
                    s.chunks == 0 ? 0 : (double) s.counterCalls / s.chunks,
                    s.chunkNanos == 0 ? 0 : 100.0 * s.countNanos / s.chunkNanos);
        }
        System.out.println("fill = mean chunk tokens / budget; over = chunks over budget (must be 0); repeat = chunk "
                + "chars beyond the extracted text, i.e. overlap minus dropped whitespace; count% = share of read+chunk time "
                + "spent counting tokens");
        System.out.println("loadavg: " + Machine.loadavg() + "  cores: "
                + Runtime.getRuntime().availableProcessors());
    }

    private static DocumentVisitor charCounter(long[] chars) {
        return new DocumentVisitor() {
            @Override
            public void startDocument(Document document) {
            }

            @Override
            public void section(Section section) {
                chars[0] += section.text().length();
            }

            @Override
            public void warning(String file, String message) {
            }
        };
    }

    private static ChunkSink collector(List<Chunk> out) {
        return new ChunkSink() {
            @Override
            public void accept(Document document, List<Chunk> chunks) {
                out.addAll(chunks);
            }

            @Override
            public void warning(String file, String message) {
            }
        };
    }

    private static int words(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !in) n++;
            in = !space;
        }
        return n;
    }

    private static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new ChunkBench()).execute(args));
    }
}
