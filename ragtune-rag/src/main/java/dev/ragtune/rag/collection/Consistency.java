package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.corpus.SourceEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Counts that must agree across the files of a generation: the manifest's counts, the chunk table, the source list
 * and the two indexes. A hand-edited manifest or an index that lost documents is caught here, before it is believed.
 */
final class Consistency {
    private Consistency() {}

    /** The manifest against the chunk table and the source list; one line per disagreement. */
    static List<String> of(Layout layout, Manifest manifest, ChunkTable table, List<SourceEntry> sources) {
        List<String> problems = new ArrayList<>();
        String reindex = "run 'ragtune ingest --collection " + layout.dir() + " --reindex' to rewrite it from the chunks";
        if (manifest.chunks() != table.size()) {
            problems.add(layout.manifest() + " says " + manifest.chunks() + " chunks but "
                    + layout.chunks(manifest.generation()).getFileName() + " holds " + table.size() + "; " + reindex);
        }
        int documents = 0;
        Set<Integer> listed = new HashSet<>();
        for (SourceEntry s : sources) {
            documents += s.docIds().size();
            listed.addAll(s.ordinals());
        }
        if (manifest.documents() != documents) {
            problems.add(layout.manifest() + " says " + manifest.documents() + " documents but "
                    + layout.sources(manifest.generation()).getFileName() + " lists " + documents + "; " + reindex);
        }
        Set<Integer> stored = new HashSet<>();
        int beyond = 0;
        for (StoredChunk c : table.rows()) {
            stored.add(c.ordinal());
            if (c.ordinal() >= manifest.nextId()) beyond++;
        }
        if (!stored.equals(listed)) {
            problems.add(layout.sources(manifest.generation()) + " and " + layout.chunks(manifest.generation())
                    + " disagree on which chunks exist (" + listed.size() + " listed, " + stored.size() + " stored); "
                    + "re-ingest the files 'ragtune check --collection " + layout.dir() + "' lists into a new collection");
        }
        if (beyond > 0) {
            problems.add(layout.manifest() + " hands out chunk ordinals from " + manifest.nextId() + " but " + beyond
                    + " stored chunk(s) already use higher ones; " + reindex);
        }
        return problems;
    }

    /** The sizes of the dense and BM25 indexes against the chunk table. */
    static List<String> ofIndexes(Layout layout, Manifest manifest, ChunkTable table, int denseSize, int bm25Size) {
        List<String> problems = new ArrayList<>();
        String rebuild = "rebuild it with 'ragtune ingest --collection " + layout.dir() + " --reindex'";
        if (denseSize != table.size()) {
            problems.add("dense index " + layout.dense(manifest.generation()) + " holds " + denseSize + " vectors but the "
                    + "collection " + table.size() + "; " + rebuild);
        }
        if (bm25Size != table.size()) {
            problems.add("BM25 index " + layout.bm25(manifest.generation()) + " holds " + bm25Size + " documents but the "
                    + "collection " + table.size() + "; " + rebuild);
        }
        return problems;
    }
}
