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
 */
public record SourceEntry(String source, String sha256, long bytes, List<String> docIds, List<Integer> ordinals,
                          String chunking, String ingestedAt) {
    public SourceEntry {
        docIds = List.copyOf(docIds);
        ordinals = List.copyOf(ordinals);
    }
}
