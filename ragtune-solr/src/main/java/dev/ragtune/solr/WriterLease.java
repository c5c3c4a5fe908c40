package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.SolrInputDocument;

/**
 * The one-writer lock of a SolrCloud corpus: a lease document taken with Solr's optimistic concurrency (create only
 * if absent, take over only the version seen), renewed by a heartbeat while the writer lives and deleted when it
 * closes. A writer that died without closing frees the corpus once its heartbeat is {@link #STALE} old.
 */
final class WriterLease implements AutoCloseable {
    static final Duration STALE = Duration.ofSeconds(60);
    static final Duration BEAT = Duration.ofSeconds(10);
    static final String KIND = "lease";

    /** The lease document's body. */
    record Holder(String owner, long heartbeatMillis) {}

    private final CloudSolrClient client;
    private final SolrLocation location;
    private final Holder holder;
    private final ScheduledExecutorService beats;

    private WriterLease(CloudSolrClient client, SolrLocation location, Holder holder) {
        this.client = client;
        this.location = location;
        this.holder = holder;
        this.beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ragtune-solr-lease " + location.collection());
            t.setDaemon(true);
            return t;
        });
        beats.scheduleWithFixedDelay(this::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Takes the lease or fails with who holds it. */
    static WriterLease acquire(CloudSolrClient client, SolrLocation location, SolrCalls calls) {
        Holder me = new Holder(ownerName(), System.currentTimeMillis());
        SolrDocument current = calls.run("read the writer lease", () -> client.getById(location.collection(),
                ChunkDocs.LEASE_ID));
        long expectVersion = -1; // -1: the document must not exist
        if (current != null) {
            Holder other = ChunkDocs.read(ChunkDocs.str(current, ChunkDocs.BODY), Holder.class);
            long age = System.currentTimeMillis() - other.heartbeatMillis();
            if (age < STALE.toMillis()) throw busy(location, other, age);
            expectVersion = ((Number) current.getFirstValue(ChunkDocs.VERSION)).longValue();
        }
        SolrInputDocument d = document(me);
        d.setField(ChunkDocs.VERSION, expectVersion);
        try {
            calls.run("take the writer lease", () -> client.add(location.collection(), d));
        } catch (CorpusException e) {
            if (e.getCause() instanceof SolrException se && se.code() == 409) {
                SolrDocument now = calls.run("read the writer lease", () -> client.getById(location.collection(),
                        ChunkDocs.LEASE_ID));
                Holder other = now == null ? new Holder("another writer", System.currentTimeMillis())
                        : ChunkDocs.read(ChunkDocs.str(now, ChunkDocs.BODY), Holder.class);
                throw busy(location, other, System.currentTimeMillis() - other.heartbeatMillis());
            }
            throw e;
        }
        return new WriterLease(client, location, me);
    }

    private static CorpusException busy(SolrLocation location, Holder other, long ageMillis) {
        return new CorpusException("SolrCloud corpus " + location + " is being written by " + other.owner()
                + " (last heartbeat " + Math.max(0, ageMillis / 1000) + " s ago); wait for that ingest or rm to finish "
                + "and run again (a writer that died frees the corpus " + STALE.toSeconds() + " s after its last heartbeat)");
    }

    private static SolrInputDocument document(Holder h) {
        SolrInputDocument d = new SolrInputDocument();
        d.addField(ChunkDocs.ID, ChunkDocs.LEASE_ID);
        d.addField(ChunkDocs.KIND, KIND);
        d.addField(ChunkDocs.BODY, ChunkDocs.write(h));
        return d;
    }

    private static String ownerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return "pid " + ProcessHandle.current().pid() + " on " + host + " since " + Instant.now();
    }

    private void beat() {
        try {
            client.add(location.collection(), document(new Holder(holder.owner(), System.currentTimeMillis())));
        } catch (Exception e) {
            // a missed beat is retried at the next one; only STALE of them in a row let another writer in
        }
    }

    @Override
    public void close() {
        beats.shutdownNow();
        try {
            beats.awaitTermination(5, TimeUnit.SECONDS);
            client.deleteById(location.collection(), ChunkDocs.LEASE_ID);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the lease expires by itself STALE after the last heartbeat
        }
    }
}
