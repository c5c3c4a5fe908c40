package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Embeds a benchmark corpus ({@code chunks.jsonl}/{@code queries.jsonl} of {@code build_corpus.py}: one JSON object with
 * a {@code text} field per line) with all-MiniLM-L6-v2 (LangChain4j in-process) into L2-normalized {@code .fvecs},
 * the input of {@link RetrievalBench} (and of its FAISS anchor, {@code bench/python/retrieval.py}).
 */
@Command(name = "corpus-vectors", mixinStandardHelpOptions = true,
        description = "Embed a JSONL corpus with ragtune's all-MiniLM-L6-v2 embedder into an .fvecs file (for the retrieval benchmark).")
public final class CorpusVectors implements Callable<Integer> {
    @Option(names = "--in", required = true, description = "JSONL file with a \"text\" field per line")
    Path in;

    @Option(names = "--out", required = true, description = ".fvecs file to write")
    Path out;

    @Option(names = "--n", defaultValue = "0", description = "embed only the first N lines (0 = all)")
    int n;

    @Option(names = "--batch", defaultValue = "512", description = "texts per embed call (progress granularity)")
    int batch;

    @Option(names = "--checkpoint", defaultValue = "4",
            description = "rewrite the output with the vectors done so far every N batches (0 = only at the end)")
    int checkpoint;

    public static void main(String[] args) {
        System.exit(new CommandLine(new CorpusVectors()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> texts = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(in)) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null && (n <= 0 || texts.size() < n)) {
                lineNo++;
                if (line.isBlank()) continue;
                JsonNode node = json.readTree(line);
                JsonNode text = node.get("text");
                if (text == null || !text.isTextual()) {
                    throw new IllegalArgumentException(in + ":" + lineNo + " has no string field \"text\"");
                }
                texts.add(text.asText());
            }
        }
        float[][] vectors = new float[texts.size()][];
        long t0 = System.nanoTime();
        try (OnnxEmbedder model = OnnxEmbedder.allMiniLmL6V2()) {
        for (int start = 0; start < texts.size(); start += batch) {
            int end = Math.min(texts.size(), start + batch);
            float[][] e = model.embed(texts.subList(start, end));
            for (int i = start; i < end; i++) vectors[i] = e[i - start]; // already L2-normalized
            double s = (System.nanoTime() - t0) / 1e9;
            System.err.printf("%d/%d embedded, %.1f texts/s%n", end, texts.size(), end / s);
            if (checkpoint > 0 && (end / batch) % checkpoint == 0 && end < texts.size()) {
                Fvecs.write(out, java.util.Arrays.copyOf(vectors, end)); // usable prefix if the run is stopped
            }
        }
        }
        Fvecs.write(out, vectors);
        System.out.printf("wrote %d vectors of dimension %d to %s%n", vectors.length,
                vectors.length == 0 ? 0 : vectors[0].length, out);
        return 0;
    }

}
