package dev.ragtune.rag.lexical;

import dev.ragtune.rag.index.Neighbor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.LogByteSizeMergePolicy;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.QueryBuilder;

/**
 * A BM25 full-text index (Lucene {@link BM25Similarity}, k1 1.2, b 0.75) stored in a Lucene directory on disk.
 *
 * <p>Each document is analyzed for its own language: {@code en} with Lucene's {@link EnglishAnalyzer} (stop words,
 * possessives, Porter stemming), {@code pt} with Lucene's {@link BrazilianAnalyzer} (measured on FaQuAD: BM25 hit@1
 * 0.877 against 0.846 with PortugueseAnalyzer and 0.828 with StandardAnalyzer; see Bm25AnalyzerChoiceTest), anything else with {@link StandardAnalyzer}. Languages go to separate fields, and a
 * query is analyzed once per field and matched against all of them (a BooleanQuery of SHOULD clauses), since the
 * query's language is not known.
 *
 * <p>Sharp edges: scores are raw BM25 sums, comparable only within one query. Changes become visible to
 * {@link #search} at once (near-real-time reader) but are durable only after {@link #commit} or {@link #close}.
 * Adding an id that is already present replaces that document. One writer per folder (Lucene's write lock).
 */
public final class Bm25Index implements AutoCloseable {
    static final String ID = "id";
    static final String ID_VALUE = "id_value";
    static final Map<String, String> FIELD_OF_LANGUAGE = Map.of("en", "text_en", "pt", "text_pt");
    static final String OTHER_FIELD = "text";

    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Map<String, Analyzer> analyzers;
    private volatile boolean stale;

    private Bm25Index(Path dir, Analyzer portuguese) throws IOException {
        this(dir, portuguese, true);
    }

    private Bm25Index(Path dir, Analyzer portuguese, boolean writable) throws IOException {
        if (writable) Files.createDirectories(dir);
        this.analyzers = Map.of("text_en", new EnglishAnalyzer(), "text_pt", portuguese,
                OTHER_FIELD, new StandardAnalyzer());
        Directory d = FSDirectory.open(dir);
        try {
            if (!writable) {
                this.writer = null;
                this.searchers = new SearcherManager(d, bm25Searchers());
                this.directory = d;
                return;
            }
            // LogByteSizeMergePolicy expunges deletes from every segment that has any, a lone segment too (the
            // tiered policy leaves a single small segment with deletes as it is): see commit
            LogByteSizeMergePolicy merges = new LogByteSizeMergePolicy();
            IndexWriterConfig config = new IndexWriterConfig(new PerFieldAnalyzerWrapper(new StandardAnalyzer(), analyzers))
                    .setSimilarity(new BM25Similarity())
                    .setMergePolicy(merges)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
            this.writer = new IndexWriter(d, config);
            this.searchers = new SearcherManager(writer, bm25Searchers());
        } catch (IOException | RuntimeException e) {
            d.close();
            throw e;
        }
        this.directory = d;
    }

    private static SearcherFactory bm25Searchers() {
        return new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(org.apache.lucene.index.IndexReader reader,
                                             org.apache.lucene.index.IndexReader previous) {
                IndexSearcher s = new IndexSearcher(reader);
                s.setSimilarity(new BM25Similarity());
                return s;
            }
        };
    }

    /**
     * Opens the committed index in {@code dir} for searching only: no write lock is taken, so any number of readers
     * (in any process) can search while one writer works on another copy. {@link #add}, {@link #remove} and
     * {@link #commit} throw.
     */
    public static Bm25Index openForSearch(Path dir) throws IOException {
        // Lucene's FSDirectory would create a missing folder: a read must never create or change index files
        if (!Files.isDirectory(dir)) throw new NoSuchFileException(dir.toString(), null, "no BM25 index: the folder is missing");
        try {
            return new Bm25Index(dir, portugueseAnalyzer(), false);
        } catch (IndexNotFoundException e) {
            throw new NoSuchFileException(dir.toString(), null, "no BM25 index in the folder (" + e.getMessage() + ")");
        }
    }

    /** Opens the index in {@code dir}, creating an empty one if the folder holds none. */
    public static Bm25Index open(Path dir) throws IOException {
        return new Bm25Index(dir, portugueseAnalyzer());
    }

    /** The analyzer for {@code pt} text; writers and readers must agree on it, so both take it from here. */
    private static Analyzer portugueseAnalyzer() {
        return new BrazilianAnalyzer();
    }

    /** As {@link #open(Path)} with another analyzer for {@code pt} text (to compare analyzers). */
    static Bm25Index open(Path dir, Analyzer portuguese) throws IOException {
        return new Bm25Index(dir, portuguese);
    }

    /**
     * Indexes {@code text} under {@code id}, analyzed for {@code language} ({@code en}, {@code pt}; other codes or
     * null use the language-neutral StandardAnalyzer). A document already stored under {@code id} is replaced.
     */
    public void add(int id, String text, String language) {
        if (id < 0) throw new IllegalArgumentException("id must be >= 0, was " + id);
        Objects.requireNonNull(text, "text");
        String lang = language == null ? "" : language.toLowerCase(Locale.ROOT);
        int dash = lang.indexOf('-');
        if (dash > 0) lang = lang.substring(0, dash);
        String field = FIELD_OF_LANGUAGE.getOrDefault(lang, OTHER_FIELD);
        Document doc = new Document();
        doc.add(new StringField(ID, Integer.toString(id), Field.Store.NO));
        doc.add(new NumericDocValuesField(ID_VALUE, id));
        doc.add(new TextField(field, text, Field.Store.NO));
        requireWritable();
        try {
            writer.updateDocument(new Term(ID, Integer.toString(id)), doc);
        } catch (IOException e) {
            throw new UncheckedIOException("could not index document " + id, e);
        }
        stale = true;
    }

    /** Removes the documents with these ids; unknown ids are ignored. */
    public void remove(int[] ids) {
        Term[] terms = new Term[ids.length];
        for (int i = 0; i < ids.length; i++) terms[i] = new Term(ID, Integer.toString(ids[i]));
        requireWritable();
        try {
            writer.deleteDocuments(terms);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete documents", e);
        }
        stale = true;
    }

    /** Number of live documents (as of the latest change). */
    public int size() {
        refreshIfStale();
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.getIndexReader().numDocs();
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The k best documents for {@code query} by BM25, best first, ties by Lucene doc order. The score of
     * {@link Neighbor} is the BM25 score. A query with no indexable terms (only stop words) returns nothing.
     */
    public List<Neighbor> search(String query, int k) {
        return search(query, k, null);
    }

    /**
     * As {@link #search(String, int)}, among the documents whose id is in {@code allowed} only (null: all). The filter
     * does not change the scores: BM25 statistics stay those of the whole index.
     */
    public List<Neighbor> search(String query, int k, int[] allowed) {
        Objects.requireNonNull(query, "query");
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, was " + k);
        Query parsed = parse(query);
        if (parsed == null) return List.of();
        Query q = parsed;
        if (allowed != null) {
            List<BytesRef> terms = new ArrayList<>(allowed.length);
            for (int id : allowed) terms.add(new BytesRef(Integer.toString(id)));
            q = new BooleanQuery.Builder().add(parsed, BooleanClause.Occur.MUST)
                    .add(new TermInSetQuery(ID, terms), BooleanClause.Occur.FILTER).build();
        }
        refreshIfStale();
        try {
            IndexSearcher s = searchers.acquire();
            try {
                ScoreDoc[] hits = s.search(q, k).scoreDocs;
                List<Neighbor> out = new ArrayList<>(hits.length);
                var leaves = s.getIndexReader().leaves();
                for (ScoreDoc hit : hits) {
                    var leaf = leaves.get(ReaderUtil.subIndex(hit.doc, leaves));
                    NumericDocValues ids = leaf.reader().getNumericDocValues(ID_VALUE);
                    int local = hit.doc - leaf.docBase;
                    if (ids == null || !ids.advanceExact(local)) {
                        throw new IllegalStateException("document " + hit.doc + " has no id");
                    }
                    out.add(new Neighbor((int) ids.longValue(), hit.score));
                }
                return out;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("BM25 search failed", e);
        }
    }

    Query parse(String query) {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        int clauses = 0;
        for (Map.Entry<String, Analyzer> e : analyzers.entrySet()) {
            Query q = new QueryBuilder(e.getValue()).createBooleanQuery(e.getKey(), query, BooleanClause.Occur.SHOULD);
            if (q != null) {
                b.add(q, BooleanClause.Occur.SHOULD);
                clauses++;
            }
        }
        return clauses == 0 ? null : b.build();
    }

    private void refreshIfStale() {
        if (stale) {
            stale = false;
            try {
                searchers.maybeRefreshBlocking();
            } catch (IOException e) {
                stale = true;
                throw new UncheckedIOException(e);
            }
        }
    }

    private void requireWritable() {
        if (writer == null) throw new IllegalStateException("this BM25 index was opened for searching only");
    }

    /**
     * Makes all changes durable. Segments holding deleted documents are merged away first: BM25's statistics
     * (document count, average length, document frequencies) count deleted documents until they are expunged, so
     * without this the same documents would score differently after a remove or replace than in a fresh index.
     */
    public void commit() throws IOException {
        requireWritable();
        writer.forceMergeDeletes(true);
        writer.commit();
        stale = true;
    }

    /** True when a document with this id is live (as of the latest change). */
    public boolean contains(int id) {
        refreshIfStale();
        try {
            IndexSearcher s = searchers.acquire();
            try {
                return s.count(new TermQuery(new Term(ID, Integer.toString(id)))) > 0;
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes, dropping every change since the last {@link #commit} (a read-only index just closes). */
    public void rollback() throws IOException {
        try (Directory d = directory; SearcherManager s = searchers) {
            if (writer != null) writer.rollback(); // also closes the writer and releases its lock
        }
        for (Analyzer a : analyzers.values()) a.close();
    }

    @Override
    public void close() throws IOException {
        try (Directory d = directory; IndexWriter w = writer; SearcherManager s = searchers) {
            if (w != null) w.commit();
        }
        for (Analyzer a : analyzers.values()) a.close();
    }
}
