package dev.ragtune.solr;

import dev.ragtune.rag.corpus.CorpusBackend;
import dev.ragtune.rag.corpus.CorpusException;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import org.apache.solr.client.solrj.impl.CloudSolrClient;

/**
 * Corpora in SolrCloud collections: {@code solr://zk1:2181,zk2:2181[/chroot]/COLLECTION} or
 * {@code solr+http://host:8983/solr/COLLECTION}. Registered in {@code META-INF/services}, so the CLI's
 * {@code --collection} takes these URIs as soon as this module is on the class path.
 */
public final class SolrBackend implements CorpusBackend {
    @Override
    public String name() {
        return "solr";
    }

    @Override
    public boolean accepts(String location) {
        return SolrLocation.isSolrUri(location);
    }

    @Override
    public boolean exists(String location) {
        SolrLocation l = parse(location);
        try (CloudSolrClient client = l.openClient()) {
            return SolrCorpus.readMeta(client, l, new SolrCalls(l, 3, 250)) != null;
        } catch (java.io.IOException e) {
            throw new CorpusException("cannot close the SolrCloud client of " + location + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Retriever openReader(String location) {
        return SolrCorpus.open(parse(location));
    }

    @Override
    public CorpusWriter openWriter(String location, Embedder embedder, CorpusSettings settings) {
        return SolrCorpusWriter.open(parse(location), embedder, settings);
    }

    private static SolrLocation parse(String location) {
        try {
            return SolrLocation.parse(location);
        } catch (IllegalArgumentException e) {
            throw new CorpusException(e.getMessage(), e);
        }
    }
}
