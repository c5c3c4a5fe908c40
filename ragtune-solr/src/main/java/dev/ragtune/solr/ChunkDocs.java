package dev.ragtune.solr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.document.Chunk;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrInputDocument;

/**
 * The Solr documents of a corpus and their fields (as declared in the configset's schema.xml): one per chunk, one per
 * ingested file, one for the corpus's {@link CorpusMeta}, one for the writer's lease.
 */
final class ChunkDocs {
    static final String ID = "id";
    static final String KIND = "kind";
    static final String GEN = "gen";
    static final String BODY = "body";
    static final String ORDINAL = "ordinal";
    static final String CHUNK_ID = "chunk_id";
    static final String DOC_ID = "doc_id";
    static final String SOURCE = "source";
    static final String FILE_NAME = "file_name";
    static final String PAGE = "page";
    static final String START = "start";
    static final String END = "end";
    static final String TITLE = "title";
    static final String LANGUAGE = "language";
    static final String TEXT = "text";
    static final String VECTOR = "vec";
    static final String VERSION = "_version_";
    /** BM25 fields by chunk language, as the local index's (other languages go to {@link #TEXT_OTHER}). */
    static final String TEXT_EN = "text_en";
    static final String TEXT_PT = "text_pt";
    static final String TEXT_OTHER = "text_std";

    static final String CHUNK = "chunk";
    static final String SOURCE_KIND = "source";
    static final String META = "meta";
    static final String META_ID = "meta";
    static final String LEASE_ID = "writer-lease";

    /** Stored fields of a chunk hit (the vector only when asked). */
    static final String CHUNK_FIELDS = String.join(",", ORDINAL, CHUNK_ID, DOC_ID, SOURCE, PAGE, START, END, TITLE,
            LANGUAGE, TEXT);

    static final ObjectMapper JSON = new ObjectMapper();

    private ChunkDocs() {}

    static String chunkKey(int ordinal) {
        return "c" + ordinal;
    }

    /** A file's manifest entry as committed in generation {@code gen} (a new key per commit: see SolrCorpusWriter). */
    static String sourceKey(long gen, String source) {
        return "s:" + gen + ":" + source;
    }

    static SolrInputDocument chunk(StoredChunk s, float[] vector, long gen) {
        Chunk c = s.chunk();
        SolrInputDocument d = new SolrInputDocument();
        d.addField(ID, chunkKey(s.ordinal()));
        d.addField(KIND, CHUNK);
        d.addField(GEN, gen);
        d.addField(ORDINAL, s.ordinal());
        d.addField(CHUNK_ID, c.id());
        d.addField(DOC_ID, c.docId());
        d.addField(SOURCE, c.source());
        d.addField(FILE_NAME, HitFilter.fileName(c.source()));
        d.addField(PAGE, c.page());
        d.addField(START, c.start());
        d.addField(END, c.end());
        d.addField(TITLE, c.title());
        d.addField(LANGUAGE, s.language());
        d.addField(TEXT, c.text());
        d.addField(lexicalField(s.language()), c.text());
        List<Float> v = new ArrayList<>(vector.length);
        for (float x : vector) v.add(x);
        d.addField(VECTOR, v);
        return d;
    }

    /** The BM25 field of a language, chosen as the local index chooses it (a region suffix is ignored). */
    static String lexicalField(String language) {
        String lang = language == null ? "" : language.toLowerCase(java.util.Locale.ROOT);
        int dash = lang.indexOf('-');
        if (dash > 0) lang = lang.substring(0, dash);
        return switch (lang) {
            case "en" -> TEXT_EN;
            case "pt" -> TEXT_PT;
            default -> TEXT_OTHER;
        };
    }

    static StoredChunk storedChunk(SolrDocument d) {
        Chunk c = new Chunk(str(d, CHUNK_ID), str(d, DOC_ID), str(d, SOURCE), num(d, PAGE), num(d, START), num(d, END),
                str(d, TITLE), str(d, TEXT));
        return new StoredChunk(num(d, ORDINAL), c, str(d, LANGUAGE));
    }

    /** The stored vector of a chunk document (fetched with {@code fl=vec}), or null. */
    static float[] vector(SolrDocument d) {
        Collection<Object> values = d.getFieldValues(VECTOR);
        if (values == null) return null;
        float[] v = new float[values.size()];
        int i = 0;
        for (Object o : values) v[i++] = ((Number) o).floatValue();
        return v;
    }

    static SolrInputDocument source(SourceEntry e, long gen) {
        SolrInputDocument d = new SolrInputDocument();
        d.addField(ID, sourceKey(gen, e.source()));
        d.addField(KIND, SOURCE_KIND);
        d.addField(GEN, gen);
        d.addField(SOURCE, e.source());
        d.addField(BODY, write(e));
        return d;
    }

    static SourceEntry sourceEntry(SolrDocument d) {
        return read(str(d, BODY), SourceEntry.class);
    }

    static SolrInputDocument meta(CorpusMeta m) {
        SolrInputDocument d = new SolrInputDocument();
        d.addField(ID, META_ID);
        d.addField(KIND, META);
        d.addField(GEN, m.generation());
        d.addField(BODY, write(m));
        return d;
    }

    static CorpusMeta meta(SolrDocument d) {
        return read(str(d, BODY), CorpusMeta.class);
    }

    static String write(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + o.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> T read(String json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + type.getSimpleName() + " document: " + e.getOriginalMessage(), e);
        }
    }

    static String str(SolrDocument d, String field) {
        Object o = d.getFirstValue(field);
        return o == null ? null : o.toString();
    }

    static int num(SolrDocument d, String field) {
        Object o = d.getFirstValue(field);
        if (!(o instanceof Number n)) throw new IllegalStateException("chunk document " + d.getFirstValue(ID)
                + " has no " + field);
        return n.intValue();
    }

    /** A Lucene-syntax term of a value: every character special to the query parser escaped. */
    static String term(String value) {
        return org.apache.solr.client.solrj.util.ClientUtils.escapeQueryChars(value);
    }

    /** {@code field:(a OR b …)} of exact values. */
    static String anyOf(String field, Collection<String> values) {
        StringJoiner j = new StringJoiner(" OR ", field + ":(", ")");
        for (String v : values) j.add(term(v));
        return j.toString();
    }
}
