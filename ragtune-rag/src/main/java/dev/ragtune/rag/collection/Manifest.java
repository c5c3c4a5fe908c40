package dev.ragtune.rag.collection;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;
import java.util.Objects;

/**
 * What a collection folder holds, written as {@code manifest.json} last at every commit (an atomic rename), so the
 * manifest always names a complete generation of the other files.
 *
 * @param format     layout version of the folder
 * @param generation the committed generation; files of other generations are leftovers or being written
 * @param embedder   the model that made the vectors: queries must use the same one
 * @param metric     always {@code inner_product} on L2-normalized vectors (= cosine)
 * @param index      dense index kind and its parameters
 * @param chunking   chunk size and overlap in embedder tokens
 * @param language   {@code auto} (guess per document), {@code en} or {@code pt}: picks the BM25 analyzer
 * @param documents  live documents
 * @param chunks     live chunks
 * @param nextId     the next chunk ordinal to hand out (ordinals are never reused)
 * @param updatedAt  ISO-8601 time of the commit
 * @param files      every file of the generation (path relative to the collection folder, '/'-separated) with its
 *                   size and CRC32C; null in format-1 collections, which recorded none
 * @param checksum   CRC32C of this manifest's own canonical JSON without this field (format 2), so a hand edit or a
 *                   flipped byte in the manifest is noticed too
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(int format, long generation, EmbedderInfo embedder, String metric, IndexInfo index,
                       ChunkingInfo chunking, String language, int documents, int chunks, int nextId,
                       String updatedAt, Map<String, FileSum> files, String checksum) {
    /** The format this ragtune writes: 2 records a checksum for every file. */
    public static final int FORMAT = 2;
    /** The format before checksums; still read, and upgraded by the next commit. */
    public static final int FORMAT_WITHOUT_CHECKSUMS = 1;

    public Manifest {
        Objects.requireNonNull(embedder, "embedder");
        Objects.requireNonNull(index, "index");
        Objects.requireNonNull(chunking, "chunking");
        files = files == null ? null : Map.copyOf(files);
    }

    /** As the canonical constructor, without file checksums (a manifest still being built). */
    public Manifest(int format, long generation, EmbedderInfo embedder, String metric, IndexInfo index,
                    ChunkingInfo chunking, String language, int documents, int chunks, int nextId, String updatedAt) {
        this(format, generation, embedder, metric, index, chunking, language, documents, chunks, nextId, updatedAt,
                null, null);
    }

    /** This manifest with {@code checksum} set (or cleared with null). */
    Manifest withChecksum(String checksum) {
        return new Manifest(format, generation, embedder, metric, index, chunking, language, documents, chunks, nextId,
                updatedAt, files, checksum);
    }

    /**
     * Size and checksum of one file of a generation.
     *
     * @param bytes  file size
     * @param crc32c CRC32C of all its bytes, 8 lower-case hex digits
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record FileSum(long bytes, String crc32c) {
        public FileSum {
            Objects.requireNonNull(crc32c, "crc32c");
        }
    }

    /** The embedding model of a collection. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EmbedderInfo(String id, int dimension) {}

    /** Dense index kind ({@code flat}, {@code ivf}, {@code hnsw}) and its parameters. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record IndexInfo(String kind, Map<String, String> params) {
        public IndexInfo {
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /** Chunking parameters in tokens of the embedder's tokenizer. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ChunkingInfo(int chunkTokens, int overlapTokens) {}

    Manifest next(int documents, int chunks, int nextId, IndexInfo index, String now, Map<String, FileSum> files) {
        return new Manifest(FORMAT, generation + 1, embedder, metric, index, chunking, language, documents, chunks,
                nextId, now, files, null);
    }
}
