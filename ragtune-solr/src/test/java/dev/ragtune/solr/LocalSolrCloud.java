package dev.ragtune.solr;

/**
 * Runs a SolrCloud of N nodes (embedded ZooKeeper + Solr, {@link SolrCluster}) on this machine until its input closes
 * or it is stopped: for {@code ragtune bench solr --zk …} and for trying ragtune on SolrCloud without Docker. Prints the
 * ZooKeeper address and each node's URL. Test code: it needs solr-core, which only this module's tests have.
 */
public final class LocalSolrCloud {
    private LocalSolrCloud() {}

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        try (SolrCluster cluster = SolrCluster.start(nodes)) {
            System.out.println("zk " + cluster.zkAddress());
            for (int i = 0; i < nodes; i++) System.out.println("node " + cluster.nodeUrl(i));
            System.out.println("ready; close the input (Ctrl-D) to stop");
            System.out.flush();
            while (System.in.read() >= 0) {
                // runs until the input closes
            }
        }
    }
}
