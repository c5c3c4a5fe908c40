package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.embed.Embedder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.solr.client.solrj.SolrQuery;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.cloud.DocCollection;

/**
 * The one writer of a SolrCloud corpus. Solr has no multi-document transaction, so visibility is by generation:
 * chunks are sent in batches (with retries) as they are put, tagged with the next generation, which readers filter out;
 * {@link #commit()} then writes the file manifest entries, the metadata document naming the new generation, deletes
 * the chunks of replaced and removed files, and commits Solr. A writer closed without committing leaves only staged
 * chunks that no reader shows, and the next writer deletes them. Nothing committed is deleted before the metadata
 * names its replacement; if a commit dies between the two, the next writer finishes the deletes.
 */
public final class SolrCorpusWriter implements CorpusWriter {
    static final int BATCH = 250;
    private static final int DEFAULT_SHARDS = 1;
    private static final int DEFAULT_REPLICAS = 1;

    private final SolrLocation location;
    private final CloudSolrClient client;
    private final SolrCalls calls;
    private final WriterLease lease;
    private CorpusMeta meta;
    private final boolean fresh;
    /** Every source as of now (committed and staged), by source key. */
    private final Map<String, SourceEntry> sources = new LinkedHashMap<>();
    /** Generation of each committed source's document. */
    private final Map<String, Long> committedGen = new HashMap<>();
    private final Set<String> staged = new LinkedHashSet<>();
    private final Set<String> deletes = new LinkedHashSet<>();
    private final List<SolrInputDocument> batch = new ArrayList<>();
    private int nextOrdinal;
    private boolean committed;

    private SolrCorpusWriter(SolrLocation location, CloudSolrClient client, SolrCalls calls, WriterLease lease,
                             CorpusMeta meta, boolean fresh) {
        this.location = location;
        this.client = client;
        this.calls = calls;
        this.lease = lease;
        this.meta = meta;
        this.fresh = fresh;
    }

    /**
     * Opens the corpus at {@code location} for writing, creating the Solr collection (with ragtune's configset for the
     * embedder's dimension, {@code settings.shards()} × {@code settings.replicas()}) when it is missing.
     */
    public static SolrCorpusWriter open(SolrLocation location, Embedder embedder, CorpusSettings settings) {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(settings, "settings");
        CloudSolrClient client = location.openClient();
        WriterLease lease = null;
        try {
            SolrCalls calls = new SolrCalls(location, 5, 500);
            CorpusMeta meta = SolrCorpus.readMeta(client, location, calls);
            boolean fresh = meta == null;
            if (fresh) {
                ensureCollection(client, location, calls, embedder.dimension(), settings);
                String now = Instant.now().toString();
                meta = new CorpusMeta(CorpusMeta.FORMAT, embedder.id(), embedder.dimension(), 0, 0,
                        settings.chunkTokensOrDefault(), settings.overlapOrDefault(), settings.language(), now, now);
            } else {
                if (!meta.embedderId().equals(embedder.id()) || meta.dimension() != embedder.dimension()) {
                    throw new CorpusException("SolrCloud corpus " + location + " was built with embedder "
                            + meta.embedderId() + " (dimension " + meta.dimension() + "), not " + embedder.id()
                            + " (dimension " + embedder.dimension() + "); use the same --embedder or a new collection");
                }
                if (settings.chunkingGiven() && (settings.chunkTokensOrDefault() != meta.chunkTokens()
                        || settings.overlapOrDefault() != meta.overlap())) {
                    throw new CorpusException("SolrCloud corpus " + location + " is chunked with " + meta.chunkTokens()
                            + " tokens and overlap " + meta.overlap() + "; omit --chunk-tokens/--overlap or use a new "
                            + "collection");
                }
            }
            lease = WriterLease.acquire(client, location, calls);
            SolrCorpusWriter w = new SolrCorpusWriter(location, client, calls, lease, meta, fresh);
            w.load();
            return w;
        } catch (RuntimeException e) {
            if (lease != null) lease.close();
            SolrCorpus.closeQuietly(client, e);
            throw e;
        }
    }

    /** Creates the collection when missing; an existing one must use ragtune's configset for this dimension. */
    private static void ensureCollection(CloudSolrClient client, SolrLocation location, SolrCalls calls, int dimension,
                                         CorpusSettings settings) {
        String name = location.collection();
        String config = SolrConfigSet.name(dimension);
        DocCollection existing = calls.run("read the cluster state", () -> client.getClusterStateProvider()
                .getCollection(name));
        if (existing != null) {
            if (!config.equals(existing.getConfigName())) {
                throw new CorpusException("SolrCloud collection " + location + " exists with configset "
                        + existing.getConfigName() + ", not ragtune's " + config + " (vectors of dimension " + dimension
                        + "); name a new collection and ragtune creates it");
            }
            return;
        }
        int shards = settings.shards() > 0 ? settings.shards() : DEFAULT_SHARDS;
        int replicas = settings.replicas() > 0 ? settings.replicas() : DEFAULT_REPLICAS;
        calls.run("upload the configset " + config, () -> SolrConfigSet.ensure(client, dimension));
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(name, config, shards, replicas);
        create.setWaitForFinalState(true);
        calls.run("create the collection (" + shards + " shards × " + replicas + " replicas)", () -> create.process(client));
    }

    /** Reads the committed manifest; cleans up after writers that died (staged chunks, a half-finished commit). */
    private void load() {
        long g = meta.generation();
        // chunks staged by a writer that did not commit: never visible, now deleted
        calls.run("delete uncommitted chunks", () -> client.deleteByQuery(location.collection(),
                ChunkDocs.GEN + ":[" + (g + 1) + " TO *]"));
        if (fresh) return;
        Map<String, SolrDocument> newest = new HashMap<>();
        List<SolrDocument> superseded = new ArrayList<>();
        SolrCorpus.forEach(client, calls, g, ChunkDocs.SOURCE_KIND,
                String.join(",", ChunkDocs.ID, ChunkDocs.GEN, ChunkDocs.SOURCE, ChunkDocs.BODY), d -> {
                    String source = ChunkDocs.str(d, ChunkDocs.SOURCE);
                    SolrDocument prev = newest.get(source);
                    if (prev == null || gen(prev) < gen(d)) {
                        if (prev != null) superseded.add(prev);
                        newest.put(source, d);
                    } else {
                        superseded.add(d);
                    }
                });
        for (SolrDocument d : newest.values()) {
            SourceEntry e = ChunkDocs.sourceEntry(d);
            sources.put(e.source(), e);
            committedGen.put(e.source(), gen(d));
        }
        // a commit that died after naming its generation but before its deletes: finish them with this commit
        for (SolrDocument old : superseded) {
            SourceEntry e = ChunkDocs.sourceEntry(old);
            Set<Integer> kept = new HashSet<>(sources.get(e.source()).ordinals());
            for (int o : e.ordinals()) if (!kept.contains(o)) deletes.add(ChunkDocs.chunkKey(o));
            deletes.add(ChunkDocs.str(old, ChunkDocs.ID));
        }
        SolrQuery max = new SolrQuery("*:*").addFilterQuery(ChunkDocs.KIND + ":" + ChunkDocs.CHUNK)
                .setFields(ChunkDocs.ORDINAL).setRows(1).setSort(ChunkDocs.ORDINAL, SolrQuery.ORDER.desc);
        var top = calls.run("find the largest ordinal", () -> client.query(location.collection(), max)).getResults();
        int maxOrdinal = top.isEmpty() ? -1 : ChunkDocs.num(top.get(0), ChunkDocs.ORDINAL);
        nextOrdinal = Math.max(meta.nextOrdinal(), maxOrdinal + 1);
    }

    private static long gen(SolrDocument d) {
        return ((Number) d.getFirstValue(ChunkDocs.GEN)).longValue();
    }

    @Override
    public String location() {
        return location.uri();
    }

    @Override
    public SourceEntry source(String source) {
        return sources.get(source);
    }

    @Override
    public List<SourceEntry> sources() {
        return List.copyOf(sources.values());
    }

    @Override
    public int nextOrdinal() {
        return nextOrdinal++;
    }

    @Override
    public int chunkTokens() {
        return meta.chunkTokens();
    }

    @Override
    public int overlapTokens() {
        return meta.overlap();
    }

    @Override
    public String language() {
        return meta.language();
    }

    @Override
    public void put(SourceEntry entry, List<StoredChunk> chunks, float[][] vectors) {
        if (chunks.size() != vectors.length) {
            throw new IllegalArgumentException(chunks.size() + " chunks but " + vectors.length + " vectors");
        }
        for (float[] v : vectors) {
            if (v.length != meta.dimension()) {
                throw new IllegalArgumentException("a vector of dimension " + v.length + " for a corpus of dimension "
                        + meta.dimension());
            }
        }
        remove(entry.source());
        long gen = meta.generation() + 1;
        for (int i = 0; i < chunks.size(); i++) {
            batch.add(ChunkDocs.chunk(chunks.get(i), vectors[i], gen));
            if (batch.size() >= BATCH) flush();
        }
        sources.put(entry.source(), entry);
        staged.add(entry.source());
    }

    private void flush() {
        if (batch.isEmpty()) return;
        List<SolrInputDocument> docs = List.copyOf(batch);
        calls.run("add " + docs.size() + " chunks", () -> client.add(location.collection(), docs));
        batch.clear();
    }

    @Override
    public boolean remove(String source) {
        SourceEntry old = sources.remove(source);
        if (old == null) return false;
        for (int o : old.ordinals()) deletes.add(ChunkDocs.chunkKey(o));
        Long g = committedGen.get(source);
        if (g != null) deletes.add(ChunkDocs.sourceKey(g, source));
        staged.remove(source);
        return true;
    }

    @Override
    public void commit() {
        flush();
        long gen = meta.generation() + 1;
        List<SolrInputDocument> docs = new ArrayList<>();
        for (String s : staged) docs.add(ChunkDocs.source(sources.get(s), gen));
        for (int i = 0; i < docs.size(); i += BATCH) {
            List<SolrInputDocument> part = docs.subList(i, Math.min(docs.size(), i + BATCH));
            calls.run("write " + part.size() + " file entries", () -> client.add(location.collection(), part));
        }
        CorpusMeta next = meta.next(nextOrdinal, Instant.now().toString());
        calls.run("write the corpus metadata", () -> client.add(location.collection(), ChunkDocs.meta(next)));
        List<String> ids = new ArrayList<>(deletes);
        for (int i = 0; i < ids.size(); i += 1000) {
            List<String> part = ids.subList(i, Math.min(ids.size(), i + 1000));
            calls.run("delete " + part.size() + " replaced chunks", () -> client.deleteById(location.collection(), part));
        }
        calls.run("commit", () -> client.commit(location.collection(), true, true));
        meta = next;
        for (String s : staged) committedGen.put(s, gen);
        staged.clear();
        deletes.clear();
        committed = true;
    }

    /** The generation last committed (0 before the first commit of a new corpus). */
    public long generation() {
        return meta.generation();
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        try {
            if (!committed || !staged.isEmpty() || !batch.isEmpty()) {
                long g = meta.generation();
                batch.clear();
                // staged chunks are invisible anyway; deleting them now only saves the next writer the work
                client.deleteByQuery(location.collection(), ChunkDocs.GEN + ":[" + (g + 1) + " TO *]");
            }
        } catch (Exception e) {
            // the next writer deletes them
        } finally {
            try {
                lease.close();
            } finally {
                try {
                    client.close();
                } catch (Exception e) {
                    failure = new CorpusException("cannot close the SolrCloud client of " + location + ": "
                            + SolrCalls.reason(e), e);
                }
            }
        }
        if (failure != null) throw failure;
    }
}
