package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ragtune search}: top-k chunks of a collection for a query, or for every query of a JSONL file. */
@Command(name = "search", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Search a collection: rank, score, chunk id, source:page and a snippet per hit.")
public final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "Collection folder.")
    Path collection;

    @Option(names = "-k", defaultValue = "5", description = "Number of hits.")
    int k;

    @Mixin RetrievalOptions retrieval;

    @Option(names = "--candidates", defaultValue = "50", description = "Hybrid: depth of each list before fusion.")
    int candidates;

    @Option(names = "--json", description = "Print JSON: {query, mode, hits[], timings_ms}.")
    boolean json;

    @Option(names = "--queries", paramLabel = "FILE.jsonl",
            description = "Run every query of a JSONL file ({\"id\",\"query\"} per line); prints one JSON line each.")
    Path queries;

    @Mixin EmbedderOption embedderOption;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "The query text.")
    String query;

    @Override
    public Integer call() throws IOException {
        if ((query == null) == (queries == null)) {
            throw new ParameterException(spec.commandLine(), "give either a QUERY or --queries FILE.jsonl");
        }
        if (k < 1) throw new ParameterException(spec.commandLine(), "-k must be >= 1");
        RetrievalMode m = retrieval.mode(spec);
        SearchParams params = retrieval.params(spec);
        HybridFusion fusion = retrieval.fusion(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (Collection c = Collection.open(collection);
             Embedder embedder = m == RetrievalMode.BM25 ? null : embedderOption.openFor(c.manifest(), collection)) {
            if (queries == null) {
                SearchResult r = c.search(query, m, k, candidates, params, embedder, fusion);
                if (json) out.println(JSON.writeValueAsString(toJson(null, r)));
                else printText(out, r);
            } else {
                runQueries(c, embedder, m, params, fusion, out);
            }
        }
        out.flush();
        return 0;
    }

    private void runQueries(Collection c, Embedder embedder, RetrievalMode m, SearchParams params, HybridFusion fusion,
                            PrintWriter out) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(queries, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode q;
                try {
                    q = JSON.readTree(line);
                } catch (IOException e) {
                    spec.commandLine().getErr().println(queries + ":" + n + ": not JSON, skipped (" + e.getMessage() + ")");
                    continue;
                }
                String text = q.path("query").asText("");
                if (text.isBlank()) {
                    spec.commandLine().getErr().println(queries + ":" + n + ": no \"query\" field, skipped");
                    continue;
                }
                String id = q.hasNonNull("id") ? q.get("id").asText() : String.valueOf(n);
                out.println(JSON.writeValueAsString(toJson(id, c.search(text, m, k, candidates, params, embedder, fusion))));
            }
        }
    }

    static ObjectNode toJson(String id, SearchResult r) {
        ObjectNode root = JSON.createObjectNode();
        if (id != null) root.put("id", id);
        root.put("query", r.query());
        root.put("mode", r.mode().label());
        ArrayNode hits = root.putArray("hits");
        for (Hit h : r.hits()) {
            ObjectNode o = hits.addObject();
            o.put("rank", h.rank());
            o.put("chunk_id", h.chunk().id());
            o.put("doc_id", h.chunk().docId());
            o.put("source", h.chunk().source());
            o.put("page", h.chunk().page());
            o.put("score", h.score());
            o.put("text", h.chunk().text());
        }
        ObjectNode t = root.putObject("timings_ms");
        t.put("embed", round(r.embedMillis()));
        t.put("search", round(r.searchMillis()));
        t.put("total", round(r.totalMillis()));
        return root;
    }

    static double round(double ms) {
        return Math.round(ms * 1000) / 1000.0;
    }

    static void printText(PrintWriter out, SearchResult r) {
        if (r.hits().isEmpty()) out.println("no hits");
        for (Hit h : r.hits()) {
            String where = h.chunk().source() + (h.chunk().page() > 0 ? ":" + h.chunk().page() : "");
            out.printf(Locale.ROOT, "%2d  %.4f  %s  %s%n      %s%n", h.rank(), h.score(), h.chunk().id(), where,
                    snippet(h.chunk().text(), 160));
        }
        out.printf(Locale.ROOT, "timings (ms): embed %.1f, search %.1f, total %.1f%n", r.embedMillis(),
                r.searchMillis(), r.totalMillis());
    }

    static String snippet(String text, int max) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
