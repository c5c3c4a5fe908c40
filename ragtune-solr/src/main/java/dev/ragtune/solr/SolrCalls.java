package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusException;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.BaseHttpSolrClient;
import org.apache.solr.common.SolrException;

/**
 * Runs calls to SolrCloud with retries of transient failures (a node restarting, a leader election, a timeout) and
 * turns what still fails into a {@link CorpusException} of one line naming the corpus URI and what to do.
 */
final class SolrCalls {
    /** A call that may throw SolrJ's checked exceptions. */
    interface Call<T> {
        T run() throws SolrServerException, IOException;
    }

    private final SolrLocation location;
    private final int attempts; // for run(); once() makes one
    private final long firstBackoffMillis;

    SolrCalls(SolrLocation location, int attempts, long firstBackoffMillis) {
        if (attempts < 1) throw new IllegalArgumentException("attempts must be >= 1, was " + attempts);
        this.location = location;
        this.attempts = attempts;
        this.firstBackoffMillis = firstBackoffMillis;
    }

    /** Runs {@code call}; {@code what} says what it does, for the error ("search", "add 500 chunks"). */
    <T> T run(String what, Call<T> call) {
        return run(what, call, attempts);
    }

    /**
     * Runs {@code call} without retries: for the first contact with a cluster, where nothing answering means it is
     * not there (or not reachable) rather than restarting, and the user should hear so at once.
     */
    <T> T once(String what, Call<T> call) {
        return run(what, call, 1);
    }

    private <T> T run(String what, Call<T> call, int attempts) {
        long backoff = firstBackoffMillis;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (CorpusException e) {
                throw e;
            } catch (SolrServerException | IOException | RuntimeException e) {
                // SolrJ reports an unreachable cluster with plain RuntimeExceptions too (e.g. "Failed fetching
                // live_nodes"), so every failure of a call is caught here and named
                if (attempt >= attempts || !isTransient(e)) throw failure(what, e);
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new CorpusException("interrupted while retrying to " + what + " on " + location);
            }
            backoff *= 2;
        }
    }

    /** Unreachable nodes, timeouts and 5xx answers may pass; a 4xx (a bad request) will not. */
    static boolean isTransient(Exception e) {
        if (e instanceof SolrException se) {
            int code = se.code();
            return code <= 0 || code >= 500;
        }
        return true;
    }

    /** The one-line error for a failed call. */
    CorpusException failure(String what, Exception e) {
        return new CorpusException("SolrCloud " + location + ": cannot " + what + " (" + reason(e) + ")" + advice(e), e);
    }

    private static String advice(Exception e) {
        if (e instanceof SolrException se && se.code() >= 400 && se.code() < 500) {
            return "; is this a collection made by ragtune (its configset ragtune-*)?";
        }
        return "; is SolrCloud running and reachable from here (the ZooKeeper hosts or node URL of the URI)?";
    }

    /** The innermost useful message of an exception chain, without class names of wrappers. */
    static String reason(Throwable e) {
        String msg = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) msg = t.getMessage();
            if (t instanceof BaseHttpSolrClient.RemoteSolrException) break; // Solr's own message is the useful one
        }
        if (msg == null) return e.getClass().getSimpleName();
        msg = msg.replaceAll("\\s+", " ").trim();
        return msg.length() > 300 ? msg.substring(0, 300) + "…" : msg;
    }
}
