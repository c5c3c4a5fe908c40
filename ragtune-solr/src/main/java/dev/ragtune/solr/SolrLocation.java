package dev.ragtune.solr;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.impl.Http2SolrClient;

/**
 * Where a SolrCloud corpus lives, parsed from its URI: {@code solr://zk1:2181,zk2:2181[/chroot]/COLLECTION} (the
 * cluster's ZooKeeper hosts) or {@code solr+http[s]://host:8983/solr/COLLECTION} (any node's HTTP endpoint).
 *
 * @param uri        the URI as given, for messages
 * @param zkHosts    ZooKeeper {@code host:port}s (ZooKeeper form), else empty
 * @param chroot     ZooKeeper chroot, e.g. {@code /solr}, if any
 * @param solrUrl    base URL of a node, e.g. {@code http://host:8983/solr} (HTTP form), else null
 * @param collection the Solr collection's name
 */
public record SolrLocation(String uri, List<String> zkHosts, Optional<String> chroot, String solrUrl, String collection) {
    public static final String ZK_SCHEME = "solr://";
    private static final Pattern ZK = Pattern.compile("solr://([^/]+)((?:/[^/]+)*)/([^/]+)/?");
    private static final Pattern HTTP = Pattern.compile("solr\\+(https?)://([^/]+)((?:/[^/]+)*)/([^/]+)/?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Pattern HOST = Pattern.compile("[^,:/]+:\\d+|[^,:/]+");
    private static final String FORMS = "use solr://ZK_HOST:PORT[,ZK_HOST:PORT…][/CHROOT]/COLLECTION or "
            + "solr+http://HOST:PORT/solr/COLLECTION";

    public SolrLocation {
        zkHosts = List.copyOf(zkHosts);
    }

    /** True when {@code location} is a URI of one of the two forms' schemes. */
    public static boolean isSolrUri(String location) {
        return location != null && (location.startsWith(ZK_SCHEME) || location.startsWith("solr+http://")
                || location.startsWith("solr+https://"));
    }

    /** Parses a location; a malformed one is an error naming it and the accepted forms. */
    public static SolrLocation parse(String location) {
        Matcher z = ZK.matcher(location);
        if (z.matches()) {
            List<String> hosts = Arrays.asList(z.group(1).split(","));
            for (String h : hosts) {
                if (!HOST.matcher(h).matches()) {
                    throw new IllegalArgumentException("'" + location + "': '" + h + "' is not a ZooKeeper HOST:PORT; "
                            + FORMS);
                }
            }
            String chroot = z.group(2);
            return new SolrLocation(location, hosts, chroot.isEmpty() ? Optional.empty() : Optional.of(chroot), null,
                    name(location, z.group(3)));
        }
        Matcher h = HTTP.matcher(location);
        if (h.matches()) {
            String base = h.group(1) + "://" + h.group(2) + h.group(3);
            return new SolrLocation(location, List.of(), Optional.empty(), base, name(location, h.group(4)));
        }
        throw new IllegalArgumentException("'" + location + "' is not a SolrCloud collection URI; " + FORMS);
    }

    private static String name(String location, String name) {
        if (!NAME.matcher(name).matches() || name.startsWith("-")) {
            throw new IllegalArgumentException("'" + location + "': the collection name '" + name
                    + "' may hold only letters, digits, '.', '_' and '-'");
        }
        return name;
    }

    /**
     * A cloud client for the cluster (routing requests to live replicas from the cluster state), failing fast when
     * nothing answers: 10 s to reach ZooKeeper or a node, 5 s to connect over HTTP, 60 s per request.
     */
    public CloudSolrClient openClient() {
        Http2SolrClient.Builder http = new Http2SolrClient.Builder()
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .withRequestTimeout(60, TimeUnit.SECONDS)
                .withIdleTimeout(60, TimeUnit.SECONDS);
        CloudSolrClient.Builder b = solrUrl != null ? new CloudSolrClient.Builder(List.of(solrUrl))
                : new CloudSolrClient.Builder(zkHosts, chroot);
        b.withInternalClientBuilder(http).withDefaultCollection(collection);
        if (solrUrl == null) {
            b.withZkConnectTimeout(10, TimeUnit.SECONDS).withZkClientTimeout(30, TimeUnit.SECONDS);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return uri;
    }
}
