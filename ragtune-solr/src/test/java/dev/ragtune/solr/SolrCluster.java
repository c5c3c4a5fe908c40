package dev.ragtune.solr;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real SolrCloud in the test JVM: embedded ZooKeeper and two Solr nodes ({@link MiniSolrCloudCluster}), started
 * once for all test classes that take a {@code SolrCluster} parameter and shut down when the run ends. Tests that stop
 * nodes make their own with {@link #start(int)}.
 */
public final class SolrCluster implements ParameterResolver, AutoCloseable {
    private final MiniSolrCloudCluster cluster;
    private final Path dir;
    private final AtomicInteger names = new AtomicInteger();

    private SolrCluster(MiniSolrCloudCluster cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    /** For JUnit's {@code @ExtendWith}: resolves the shared cluster. */
    public SolrCluster() {
        this.cluster = null;
        this.dir = null;
    }

    /** Starts a cluster of {@code nodes} Solr nodes in a temporary folder. */
    public static SolrCluster start(int nodes) {
        try {
            Path dir = Files.createTempDirectory("ragtune-solrcloud");
            System.setProperty("solr.log.dir", dir.resolve("logs").toString());
            MiniSolrCloudCluster c = new MiniSolrCloudCluster.Builder(nodes, dir).build();
            return new SolrCluster(c, dir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a MiniSolrCloudCluster: " + e, e);
        }
    }

    public MiniSolrCloudCluster mini() {
        return cluster;
    }

    /** ZooKeeper address with the cluster's chroot, e.g. {@code 127.0.0.1:40123/solr}. */
    public String zkAddress() {
        return cluster.getZkServer().getZkAddress();
    }

    /** A {@code solr://} URI of a collection that does not exist yet. */
    public String newZkUri(String prefix) {
        return "solr://" + zkAddress() + "/" + prefix + "-" + names.incrementAndGet();
    }

    /** The HTTP base URL of node {@code i}, e.g. {@code http://127.0.0.1:40125/solr}. */
    public String nodeUrl(int i) {
        return cluster.getJettySolrRunner(i).getBaseUrl().toString();
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == SolrCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        ExtensionContext.Store store = e.getRoot().getStore(ExtensionContext.Namespace.create(SolrCluster.class));
        return store.getOrComputeIfAbsent("shared", k -> new Shared(start(2)), Shared.class).cluster;
    }

    /** Closes the shared cluster when JUnit closes the root store. */
    private record Shared(SolrCluster cluster) implements AutoCloseable {
        @Override
        public void close() {
            cluster.close();
        }
    }

    @Override
    public void close() {
        if (cluster == null) return;
        try {
            cluster.shutdown();
        } catch (Exception e) {
            throw new IllegalStateException("cannot shut the MiniSolrCloudCluster down: " + e, e);
        } finally {
            try {
                deleteRecursively(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
