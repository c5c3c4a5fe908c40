package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.params.CursorMarkParams;

/**
 * A SolrCloud corpus opened for searching. It shows the generation committed when it was opened (as a local folder
 * does): every query filters on {@code gen <= generation}, so chunks a writer has staged but not committed never show.
 * Dense search is Solr's {@code {!knn}} on the HNSW vector field, BM25 is a SHOULD of the same query analyzed for each
 * language field (as the local index), hybrid fuses the two lists with the request's fusion. Thread-safe.
 */
public final class SolrCorpus implements Retriever {
    /** HNSW beam at query time when the request names none (as the local hnsw index's default). */
    static final int DEFAULT_EF = 100;
    private static final Pattern OPERATOR_WORD = Pattern.compile("\\b(AND|OR|NOT)\\b");

    private final SolrLocation location;
    private final CloudSolrClient client;
    private final SolrCalls calls;
    private final CorpusMeta meta;
    private final List<SourceEntry> sources;

    private SolrCorpus(SolrLocation location, CloudSolrClient client, SolrCalls calls, CorpusMeta meta,
                       List<SourceEntry> sources) {
        this.location = location;
        this.client = client;
        this.calls = calls;
        this.meta = meta;
        this.sources = List.copyOf(sources);
    }

    /** Opens the corpus at {@code location}; a missing one is an error saying how to make it. */
    public static SolrCorpus open(SolrLocation location) {
        CloudSolrClient client = location.openClient();
        try {
            SolrCalls calls = new SolrCalls(location, 3, 250);
            CorpusMeta meta = readMeta(client, location, calls);
            if (meta == null) {
                throw new CorpusException("no ragtune corpus at " + location + ": the collection does not exist or "
                        + "holds none. Create one with 'ragtune ingest --collection " + location + " FILES...'");
            }
            List<SourceEntry> sources = new ArrayList<>();
            forEach(client, calls, meta.generation(), ChunkDocs.SOURCE_KIND, ChunkDocs.BODY,
                    d -> sources.add(ChunkDocs.sourceEntry(d)));
            return new SolrCorpus(location, client, calls, meta, sources);
        } catch (RuntimeException e) {
            closeQuietly(client, e);
            throw e;
        }
    }

    /** The corpus's metadata, or null when the collection or its metadata document does not exist. */
    static CorpusMeta readMeta(CloudSolrClient client, SolrLocation location, SolrCalls calls) {
        boolean exists = calls.once("reach the cluster", () -> client.getClusterStateProvider()
                .getState(location.collection()) != null);
        if (!exists) return null;
        SolrQuery q = new SolrQuery(ChunkDocs.ID + ":" + ChunkDocs.META_ID).setFields(ChunkDocs.BODY).setRows(1);
        QueryResponse r = calls.run("read the corpus metadata", () -> client.query(location.collection(), q));
        if (r.getResults().isEmpty()) return null;
        CorpusMeta meta = ChunkDocs.meta(r.getResults().get(0));
        if (meta.format() != CorpusMeta.FORMAT) {
            throw new CorpusException("SolrCloud corpus " + location + " has format " + meta.format()
                    + "; this ragtune reads format " + CorpusMeta.FORMAT);
        }
        return meta;
    }

    /** Every committed document of a kind, in id order, paged with a cursor. */
    static void forEach(CloudSolrClient client, SolrCalls calls, long generation, String kind, String fields,
                        Consumer<SolrDocument> each) {
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            SolrQuery q = new SolrQuery("*:*").addFilterQuery(ChunkDocs.KIND + ":" + kind)
                    .addFilterQuery(ChunkDocs.GEN + ":[* TO " + generation + "]")
                    .setFields(fields).setRows(1000).setSort(ChunkDocs.ID, SolrQuery.ORDER.asc);
            q.set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse r = calls.run("list the " + kind + " documents", () -> client.query(q));
            for (SolrDocument d : r.getResults()) each.accept(d);
            String next = r.getNextCursorMark();
            if (next == null || next.equals(cursor)) return;
            cursor = next;
        }
    }

    static void closeQuietly(CloudSolrClient client, Exception primary) {
        try {
            client.close();
        } catch (Exception e) {
            primary.addSuppressed(e);
        }
    }

    @Override
    public String location() {
        return location.uri();
    }

    @Override
    public String embedderId() {
        return meta.embedderId();
    }

    @Override
    public int dimension() {
        return meta.dimension();
    }

    /** The committed generation this reader shows. */
    public long generation() {
        return meta.generation();
    }

    @Override
    public int size() {
        SolrQuery q = chunkQuery("*:*", HitFilter.NONE).setRows(0);
        return (int) calls.run("count the chunks", () -> client.query(q)).getResults().getNumFound();
    }

    @Override
    public List<SourceEntry> sources() {
        return sources;
    }

    @Override
    public Set<String> chunkIds() {
        Set<String> ids = new HashSet<>();
        forEach(client, calls, meta.generation(), ChunkDocs.CHUNK, ChunkDocs.CHUNK_ID,
                d -> ids.add(ChunkDocs.str(d, ChunkDocs.CHUNK_ID)));
        return ids;
    }

    @Override
    public Map<String, Object> about() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("backend", "solr");
        m.put("location", location.uri());
        m.put("collection", location.collection());
        m.putAll(ChunkDocs.JSON.convertValue(meta, LinkedHashMap.class));
        m.put("chunks", size());
        m.put("sources", sources.size());
        try {
            DocCollection c = client.getClusterStateProvider().getCollection(location.collection());
            if (c != null) {
                m.put("configSet", c.getConfigName());
                m.put("shards", c.getSlices().size());
                m.put("replicasPerShard", c.getReplicationFactor());
                m.put("liveNodes", client.getClusterStateProvider().getLiveNodes().size());
            }
        } catch (Exception e) {
            m.put("clusterState", "unavailable: " + SolrCalls.reason(e));
        }
        return m;
    }

    @Override
    public String description() {
        String shards = "";
        try {
            DocCollection c = client.getClusterStateProvider().getCollection(location.collection());
            if (c != null) shards = ", " + c.getSlices().size() + " shard(s) × " + c.getReplicationFactor() + " replica(s)";
        } catch (Exception e) {
            // the description is for reports; the count below still needs Solr and fails clearly if it is gone
        }
        return String.format(Locale.ROOT, "%,d chunks, SolrCloud collection %s%s", size(), location.collection(), shards);
    }

    @Override
    public SearchResult search(SearchRequest request, Embedder embedder) {
        long t0 = System.nanoTime();
        float[] q = null;
        if (request.mode() != RetrievalMode.BM25) {
            Objects.requireNonNull(embedder, "embedder");
            requireEmbedder(embedder);
            q = embedder.embed(request.query());
        }
        long t1 = System.nanoTime();
        return searchEmbedded(request, q, (t1 - t0) / 1e6, t1);
    }

    /**
     * Embeds the dense queries in one batch, then asks the cluster one request at a time (each shard already scores
     * its part of the corpus in parallel). Each result's embed time is its equal share of the batch.
     */
    @Override
    public List<SearchResult> searchAll(List<SearchRequest> requests, Embedder embedder) {
        long t0 = System.nanoTime();
        List<String> texts = new ArrayList<>();
        for (SearchRequest r : requests) if (r.mode() != RetrievalMode.BM25) texts.add(r.query());
        float[][] embedded = new float[0][];
        if (!texts.isEmpty()) {
            Objects.requireNonNull(embedder, "embedder");
            requireEmbedder(embedder);
            embedded = embedder.embed(texts);
        }
        double share = texts.isEmpty() ? 0 : (System.nanoTime() - t0) / 1e6 / texts.size();
        List<SearchResult> out = new ArrayList<>(requests.size());
        int j = 0;
        for (SearchRequest r : requests) {
            boolean dense = r.mode() != RetrievalMode.BM25;
            out.add(searchEmbedded(r, dense ? embedded[j++] : null, dense ? share : 0, System.nanoTime()));
        }
        return out;
    }

    private SearchResult searchEmbedded(SearchRequest request, float[] q, double embedMs, long t1) {
        RetrievalMode mode = request.mode();
        Map<Integer, StoredChunk> chunks = new HashMap<>();
        List<Neighbor> ranked;
        switch (mode) {
            case DENSE -> ranked = dense(q, request.k(), request.params(), request.filter(), chunks);
            case BM25 -> ranked = lexical(request.query(), request.k(), request.filter(), chunks, null);
            default -> {
                Map<Integer, float[]> vectors = new HashMap<>();
                List<Neighbor> dense = dense(q, request.candidates(), request.params(), request.filter(), chunks);
                List<Neighbor> lexical = lexical(request.query(), request.candidates(), request.filter(), chunks, vectors);
                final float[] qv = q;
                ranked = request.fusion().fuse(dense, lexical, request.k(), id -> HybridFusion.denseScore(qv, vectors.get(id)));
            }
        }
        long t2 = System.nanoTime();
        List<Hit> hits = new ArrayList<>(ranked.size());
        for (Neighbor n : ranked) {
            StoredChunk c = chunks.get(n.id());
            if (c != null) hits.add(new Hit(hits.size() + 1, n.id(), c.chunk(), n.score()));
        }
        long t3 = System.nanoTime();
        return new SearchResult(request.query(), mode, hits, embedMs, (t2 - t1) / 1e6, embedMs + (t3 - t1) / 1e6);
    }

    /**
     * The k nearest chunks by HNSW. Lucene's graph search uses {@code topK} as its beam, so, as the local hnsw index,
     * each shard collects {@code max(k, ef)} ({@code ef} from the request, default {@value #DEFAULT_EF}) and
     * {@code rows=k} keeps the k best of the merged list; the filter's {@code fq}s pre-filter the graph search. Solr
     * scores dot product as {@code (1 + dot) / 2}; the hits carry the dot product itself (cosine, as locally).
     */
    private List<Neighbor> dense(float[] q, int k, SearchParams params, HitFilter filter,
                                 Map<Integer, StoredChunk> chunks) {
        int topK = Math.max(k, params.ef() > 0 ? params.ef() : DEFAULT_EF);
        StringBuilder v = new StringBuilder(q.length * 12).append('[');
        for (int i = 0; i < q.length; i++) {
            if (i > 0) v.append(',');
            v.append(q[i]);
        }
        v.append(']');
        SolrQuery query = chunkQuery("{!knn f=" + ChunkDocs.VECTOR + " topK=" + topK + "}" + v, filter)
                .setFields(ChunkDocs.CHUNK_FIELDS + ",score").setRows(k);
        query.set("distrib.singlePass", true); // shards send their rows' fields at once: no second round trip
        QueryResponse r = calls.run("search (dense)", () -> client.query(query, org.apache.solr.client.solrj.SolrRequest.METHOD.POST));
        List<Neighbor> out = new ArrayList<>(r.getResults().size());
        for (SolrDocument d : r.getResults()) {
            StoredChunk c = ChunkDocs.storedChunk(d);
            chunks.putIfAbsent(c.ordinal(), c);
            float s = ((Number) d.getFirstValue("score")).floatValue();
            out.add(new Neighbor(c.ordinal(), 2 * s - 1));
        }
        return out;
    }

    /**
     * The k best chunks by BM25: the query analyzed for each language field and matched against all (SHOULD), as
     * {@code Bm25Index} does, with collection-wide statistics (the configset's ExactStatsCache). With
     * {@code vectors} non-null the hits' stored vectors are fetched into it (for exact dense scores in hybrid).
     */
    private List<Neighbor> lexical(String text, int k, HitFilter filter, Map<Integer, StoredChunk> chunks,
                                   Map<Integer, float[]> vectors) {
        SolrQuery query = chunkQuery("{!bool should=$q_en should=$q_pt should=$q_std}", filter)
                .setFields(ChunkDocs.CHUNK_FIELDS + ",score" + (vectors != null ? "," + ChunkDocs.VECTOR : ""))
                .setRows(k);
        query.set("q_en", "{!lucene df=" + ChunkDocs.TEXT_EN + " q.op=OR sow=false v=$qq}");
        query.set("q_pt", "{!lucene df=" + ChunkDocs.TEXT_PT + " q.op=OR sow=false v=$qq}");
        query.set("q_std", "{!lucene df=" + ChunkDocs.TEXT_OTHER + " q.op=OR sow=false v=$qq}");
        query.set("qq", lexicalText(text));
        // one round trip less, unless every shard would send its rows' vectors too (hybrid)
        if (vectors == null) query.set("distrib.singlePass", true);
        QueryResponse r = calls.run("search (BM25)", () -> client.query(query, org.apache.solr.client.solrj.SolrRequest.METHOD.POST));
        List<Neighbor> out = new ArrayList<>(r.getResults().size());
        for (SolrDocument d : r.getResults()) {
            StoredChunk c = ChunkDocs.storedChunk(d);
            chunks.putIfAbsent(c.ordinal(), c);
            if (vectors != null) vectors.put(c.ordinal(), ChunkDocs.vector(d));
            out.add(new Neighbor(c.ordinal(), ((Number) d.getFirstValue("score")).floatValue()));
        }
        return out;
    }

    /**
     * Query text for Solr's standard parser that it hands to the analyzers as the local index's QueryBuilder gets it:
     * every character the parser would read as syntax escaped (whitespace kept, so words still split) and the words
     * AND, OR, NOT escaped so they stay words.
     */
    static String lexicalText(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ("\\+-!():^[]\"{}~*?|&;/".indexOf(c) >= 0) sb.append('\\');
            sb.append(c);
        }
        return OPERATOR_WORD.matcher(sb).replaceAll("\\\\$1");
    }

    /** A query on committed chunks passing the filter. */
    private SolrQuery chunkQuery(String q, HitFilter filter) {
        SolrQuery query = new SolrQuery(q);
        query.addFilterQuery(ChunkDocs.KIND + ":" + ChunkDocs.CHUNK);
        query.addFilterQuery(ChunkDocs.GEN + ":[* TO " + meta.generation() + "]");
        if (!filter.sources().isEmpty()) {
            query.addFilterQuery(ChunkDocs.anyOf(ChunkDocs.SOURCE, filter.sources()) + " OR "
                    + ChunkDocs.anyOf(ChunkDocs.FILE_NAME, filter.sources()));
        }
        if (!filter.docIds().isEmpty()) query.addFilterQuery(ChunkDocs.anyOf(ChunkDocs.DOC_ID, filter.docIds()));
        if (!filter.languages().isEmpty()) query.addFilterQuery(ChunkDocs.anyOf(ChunkDocs.LANGUAGE, filter.languages()));
        return query;
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (Exception e) {
            throw new CorpusException("cannot close the SolrCloud client of " + location + ": " + SolrCalls.reason(e), e);
        }
    }
}
