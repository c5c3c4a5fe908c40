package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.ragtune.rag.embed.EmbeddingSettings;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Embeds the same texts with ragtune's {@link OnnxEmbedder} (all-MiniLM-L6-v2) and LangChain4j's
 * {@code AllMiniLmL6V2EmbeddingModel.embedAll} in one run: chunks/s and model tokens/s of each, the speed ratio, and
 * how close the vectors are (mean / min cosine, overall and on texts both see whole). With {@code --anchor PYTHON}
 * sentence-transformers on torch ({@code bench/python/embed.py}, the same model rebuilt from the same ONNX export)
 * embeds the same texts in every round too, after ragtune's contenders.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Benchmark OnnxEmbedder against LangChain4j's in-process all-MiniLM-L6-v2 on a JSONL file.")
public final class EmbedBench implements Callable<Integer> {
    /** LangChain4j's tokenizer preset truncates at 128 tokens, special tokens included. */
    private static final int LANGCHAIN4J_MAX_TOKENS = 128;

    @Option(names = "--input", required = true, description = "JSONL file, one object per line with a 'text' field")
    Path input;

    @Option(names = "--limit", defaultValue = "2000", description = "texts to embed (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--warmup", defaultValue = "200", description = "texts embedded once before timing, by each "
            + "embedder (taken after the timed ones in the file; default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--configs", split = ",", defaultValue = "2x1,1x2",
            description = "OnnxEmbedder settings to run, WORKERSxINTRA_OP[/bTOKEN_BUDGET][/nMAX_BATCH] each, e.g. "
                    + "2x1,1x2,2x1/b1024/n8 (default: ${DEFAULT-VALUE})")
    List<String> configs;

    @Option(names = "--token-budget", defaultValue = "512", description = "tokens per model batch (default: ${DEFAULT-VALUE})")
    int tokenBudget;

    @Option(names = "--max-batch", defaultValue = "16", description = "texts per model batch (default: ${DEFAULT-VALUE})")
    int maxBatch;

    @Option(names = "--max-tokens", defaultValue = "0",
            description = "cap tokens per text for OnnxEmbedder, 0 = model limit 256; 128 = same work as LangChain4j")
    int maxTokens;

    @picocli.CommandLine.Mixin
    AnchorOptions anchorOptions = new AnchorOptions();

    @Option(names = "--skip-langchain4j", description = "time only OnnxEmbedder (no ratio, no cosine)")
    boolean skipLangChain4j;

    @Override
    public Integer call() throws IOException {
        int rounds = anchorOptions.rounds();
        List<String> all = readTexts(input, limit + warmup);
        if (all.size() <= limit) {
            throw new IllegalArgumentException(input + " has only " + all.size() + " texts; need --limit " + limit
                    + " plus --warmup " + warmup);
        }
        List<String> texts = all.subList(0, limit);
        List<String> warm = all.subList(limit, all.size());
        System.out.printf("input %s: %d texts timed, %d warm-up; cores %d; java %s%n", input, texts.size(),
                warm.size(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        System.out.println("loadavg before: " + Machine.loadavg());

        int[] counts;
        try (OnnxEmbedder counter = OnnxEmbedder.allMiniLmL6V2(EmbeddingSettings.defaults().withWorkers(1, 1))) {
            counts = texts.stream().mapToInt(counter::count).toArray();
        }
        List<Contender> contenders = new ArrayList<>();
        SentenceTransformersAnchor anchor = null;
        try {
            if (!skipLangChain4j) {
                AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
                contenders.add(new Contender("LangChain4j embedAll (as shipped)",
                        list -> model.embedAll(segments(list)).content().stream().map(Embedding::vector)
                                .toArray(float[][]::new),
                        modelTokens(counts, LANGCHAIN4J_MAX_TOKENS), null));
            }
            for (String config : configs) {
                EmbeddingSettings settings = parseConfig(config);
                OnnxEmbedder embedder = OnnxEmbedder.allMiniLmL6V2(settings);
                contenders.add(new Contender("OnnxEmbedder " + config + " (" + settings.workers() + " workers x "
                        + settings.intraOpThreads() + " intra-op, budget " + settings.tokenBudget() + ", batch "
                        + settings.maxBatchSize() + ", max " + embedder.maxTokens() + " tokens)", embedder::embed,
                        modelTokens(counts, embedder.maxTokens()), embedder));
            }
            for (Contender c : contenders) {
                c.embed.apply(warm);
            }
            if (anchorOptions.enabled()) {
                anchor = SentenceTransformersAnchor.start(anchorOptions, texts, warm, maxBatch,
                        maxTokens == 0 ? 256 : Math.min(256, maxTokens));
            }
            // Rounds interleave the contenders, in reverse order every other round, so that a change in machine
            // load hits all of them alike.
            for (int round = 1; round <= rounds; round++) {
                List<Contender> order = new ArrayList<>(contenders);
                if (round % 2 == 0) {
                    java.util.Collections.reverse(order);
                }
                for (Contender c : order) {
                    long t0 = System.nanoTime();
                    double c0 = cpuSeconds();
                    float[][] vectors = c.embed.apply(texts);
                    c.seconds += (System.nanoTime() - t0) / 1e9;
                    c.cpuSeconds += cpuSeconds() - c0;
                    c.vectors = vectors;
                }
                if (anchor != null) {
                    anchor.round();
                }
                System.out.println("round " + round + " done, loadavg: " + Machine.loadavg());
            }
            Contender reference = skipLangChain4j ? null : contenders.get(0);
            for (Contender c : contenders) {
                int n = texts.size() * rounds;
                System.out.printf("%s: %d texts in %.2f s = %.1f chunks/s, %.0f tokens/s (%d model tokens per "
                                + "round, specials incl.); process CPU %.1f s = %.1f chunks per CPU-second%n",
                        c.name, n, c.seconds, n / c.seconds, c.tokens * rounds / c.seconds, c.tokens, c.cpuSeconds,
                        n / c.cpuSeconds);
                if (reference != null && c != reference) {
                    System.out.printf("  speed vs LangChain4j: %.2fx wall, %.2fx per CPU-second%n",
                            reference.seconds / c.seconds, reference.cpuSeconds / c.cpuSeconds);
                    agreement(c.vectors, reference.vectors, counts);
                }
            }
            if (anchor != null) {
                anchor.report(texts.size(), contenders.subList(skipLangChain4j ? 0 : 1, contenders.size()).stream()
                        .map(c -> new SentenceTransformersAnchor.Ours(c.name, texts.size() * rounds / c.seconds,
                                texts.size() * rounds / c.cpuSeconds, c.vectors)).toList());
            }
        } finally {
            if (anchor != null) {
                anchor.close();
            }
            for (Contender c : contenders) {
                if (c.closeable != null) {
                    c.closeable.close();
                }
            }
        }
        System.out.println("loadavg after: " + Machine.loadavg());
        return 0;
    }

    /** One embedder under test and what it has measured so far. */
    private static final class Contender {
        final String name;
        final java.util.function.Function<List<String>, float[][]> embed;
        final long tokens;
        final OnnxEmbedder closeable;
        double seconds;
        double cpuSeconds;
        float[][] vectors;

        Contender(String name, java.util.function.Function<List<String>, float[][]> embed, long tokens,
                  OnnxEmbedder closeable) {
            this.name = name;
            this.embed = embed;
            this.tokens = tokens;
            this.closeable = closeable;
        }
    }

    /** {@code WORKERSxINTRA_OP[/bTOKEN_BUDGET][/nMAX_BATCH]}, e.g. {@code 2x1} or {@code 2x1/b2048/n16}. */
    EmbeddingSettings parseConfig(String config) {
        String[] parts = config.toLowerCase(java.util.Locale.ROOT).split("/");
        String[] threads = parts[0].split("x");
        try {
            if (threads.length != 2) {
                throw new NumberFormatException("no WORKERSxINTRA_OP");
            }
            int budget = tokenBudget;
            int batch = maxBatch;
            for (int i = 1; i < parts.length; i++) {
                int value = Integer.parseInt(parts[i].substring(1));
                switch (parts[i].charAt(0)) {
                    case 'b' -> budget = value;
                    case 'n' -> batch = value;
                    default -> throw new NumberFormatException("unknown part " + parts[i]);
                }
            }
            return new EmbeddingSettings(Integer.parseInt(threads[0]), Integer.parseInt(threads[1]), budget, batch,
                    maxTokens);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--configs entry '" + config + "' is not WORKERSxINTRA_OP[/bBUDGET]"
                    + "[/nMAX_BATCH], e.g. 2x1 or 2x1/b2048/n16 (" + e.getMessage() + ")", e);
        }
    }

    private static void agreement(float[][] ours, float[][] reference, int[] counts) {
        double sum = 0;
        double min = 1;
        double sumShort = 0;
        double minShort = 1;
        int nShort = 0;
        for (int i = 0; i < ours.length; i++) {
            double c = dot(ours[i], reference[i]);
            sum += c;
            min = Math.min(min, c);
            if (counts[i] + 2 <= LANGCHAIN4J_MAX_TOKENS) {
                sumShort += c;
                minShort = Math.min(minShort, c);
                nShort++;
            }
        }
        System.out.printf("  cosine to LangChain4j: mean %.5f min %.5f; on the %d texts <= 128 tokens: mean %.5f min %.5f%n",
                sum / ours.length, min, nShort, nShort == 0 ? Double.NaN : sumShort / nShort, minShort);
    }

    /** CPU time of the whole process (all threads), which a busy machine distorts less than wall time. */
    private static double cpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }

    private static long modelTokens(int[] counts, int maxTokens) {
        long sum = 0;
        for (int c : counts) {
            sum += Math.min(c + 2, maxTokens);
        }
        return sum;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static List<TextSegment> segments(List<String> texts) {
        return texts.stream().map(TextSegment::from).toList();
    }

    static List<String> readTexts(Path file, int max) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNo = 0;
            while (texts.size() < max && (line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode text = json.readTree(line).get("text");
                if (text == null || !text.isTextual() || text.asText().isBlank()) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " has no non-empty string field 'text'");
                }
                texts.add(text.asText());
            }
        }
        return texts;
    }

}
