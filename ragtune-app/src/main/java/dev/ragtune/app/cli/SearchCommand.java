package dev.ragtune.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.api.Limits;
import dev.ragtune.app.api.SearchBody;
import dev.ragtune.app.api.Wire;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
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
import java.util.ArrayList;
import java.util.List;
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

    @Option(names = "--collection", required = true, paramLabel = "DIR|URI",
            description = "Collection folder, or a SolrCloud collection (solr://ZK_HOST:PORT/NAME, solr+http://HOST:PORT/solr/NAME).")
    String collection;

    @Option(names = "-k", defaultValue = "5", description = "Number of hits.")
    int k;

    @Mixin RetrievalOptions retrieval;

    @Option(names = "--candidates", defaultValue = "50", description = "Hybrid: depth of each list before fusion.")
    int candidates;

    @Option(names = "--json", description = "Print JSON: {query, mode, hits[], timings_ms}.")
    boolean json;

    @Option(names = "--queries", paramLabel = "FILE.jsonl",
            description = "Run every query of a JSONL file ({\"id\",\"query\"} per line), " + BATCH
                    + " at a time as one batch (one embedding batch, one blocked index product); prints one JSON line "
                    + "each, in order.")
    Path queries;

    @Mixin EmbedderOption embedderOption;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "The query text.")
    String query;

    @Override
    public Integer call() throws IOException {
        if ((query == null) == (queries == null)) {
            throw new ParameterException(spec.commandLine(), "give either a QUERY or --queries FILE.jsonl");
        }
        try {
            Limits.DEFAULTS.k("-k", k);
            Limits.DEFAULTS.candidates("--candidates", candidates);
            if (query != null) Limits.DEFAULTS.question("query", query);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        RetrievalMode m = retrieval.mode(spec);
        SearchParams params = retrieval.params(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (Retriever c = Corpora.open(collection);
             Embedder embedder = m == RetrievalMode.BM25 ? null : embedderOption.openFor(c)) {
            if (queries == null) {
                SearchResult r = c.search(request(query, m, params), embedder);
                if (json) out.println(Wire.write(SearchBody.of(null, r)));
                else printText(out, r);
            } else if (runQueries(c, embedder, m, params, out) == 0) {
                spec.commandLine().getErr().println("ragtune search: " + queries + " holds no query to search (one "
                        + "{\"id\",\"query\"} object per line)");
                return 1;
            }
        }
        out.flush();
        return 0;
    }

    private SearchRequest request(String text, RetrievalMode m, SearchParams params) {
        return new SearchRequest(text, m, k, candidates, params, retrieval.fusion(spec), retrieval.filter(spec));
    }

    /** Searches every query of {@code --queries}, batch by batch; returns how many were searched. */
    private int runQueries(Retriever c, Embedder embedder, RetrievalMode m, SearchParams params, PrintWriter out)
            throws IOException {
        int searched = 0;
        try (BufferedReader r = Files.newBufferedReader(queries, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            List<String> ids = new ArrayList<>();
            List<SearchRequest> batch = new ArrayList<>();
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode q;
                try {
                    q = JSON.readTree(line);
                } catch (JsonProcessingException e) {
                    spec.commandLine().getErr().println(queries + ":" + n + ": not JSON, skipped (" + e.getOriginalMessage()
                            + ")");
                    continue;
                }
                String text = q.path("query").asText("");
                if (text.isBlank()) {
                    spec.commandLine().getErr().println(queries + ":" + n + ": no \"query\" field, skipped");
                    continue;
                }
                if (text.length() > Limits.DEFAULTS.maxQuestionChars()) {
                    spec.commandLine().getErr().println(queries + ":" + n + ": the query has " + text.length()
                            + " characters, more than " + Limits.DEFAULTS.maxQuestionChars() + "; skipped");
                    continue;
                }
                ids.add(q.hasNonNull("id") ? q.get("id").asText() : String.valueOf(n));
                batch.add(request(text, m, params));
                searched++;
                if (batch.size() == BATCH) flush(c, embedder, ids, batch, out);
            }
            flush(c, embedder, ids, batch, out);
        }
        return searched;
    }

    /** Queries searched together by {@code --queries} (one embedding batch, one blocked index product). */
    static final int BATCH = 256;

    private static void flush(Retriever c, Embedder embedder, List<String> ids, List<SearchRequest> batch,
                              PrintWriter out) {
        if (batch.isEmpty()) return;
        List<SearchResult> found = c.searchAll(batch, embedder);
        for (int i = 0; i < found.size(); i++) out.println(Wire.write(SearchBody.of(ids.get(i), found.get(i))));
        out.flush();
        ids.clear();
        batch.clear();
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
