package dev.ragtune.rag.corpus;

import java.util.List;

/**
 * One ingested file: the key by which re-ingesting replaces its chunks and {@code ragtune rm} removes them.
 *
 * @param source   absolute, normalized path of the file
 * @param sha256   hash of the file's bytes when it was ingested; an equal hash means the file is unchanged
 * @param bytes    file size
 * @param docIds   the documents it gave (one, or many for JSONL)
 * @param ordinals the chunk ordinals it gave
 * @param chunking {@code chunkTokens/overlapTokens} it was chunked with
 * @param partial  true while only the first chunks of the file are stored (a long ingest committed part way, then
 *                 stopped); the next ingest of the same bytes finishes it, keeping the chunks it has
 */
public record SourceEntry(String source, String sha256, long bytes, List<String> docIds, List<Integer> ordinals,
                          String chunking, String ingestedAt, boolean partial) {
    public SourceEntry {
        docIds = List.copyOf(docIds);
        ordinals = List.copyOf(ordinals);
    }

    /** A completely ingested file. */
    public SourceEntry(String source, String sha256, long bytes, List<String> docIds, List<Integer> ordinals,
                       String chunking, String ingestedAt) {
        this(source, sha256, bytes, docIds, ordinals, chunking, ingestedAt, false);
    }
}
