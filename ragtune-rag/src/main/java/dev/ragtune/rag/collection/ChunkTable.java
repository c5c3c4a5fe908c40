package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.StoredChunk;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.document.Chunk;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The chunks of one generation and their vectors, row-aligned: row i of {@code vectors.<gen>.f32} is the vector of
 * line i of {@code chunks.<gen>.jsonl}. This pair is the collection's source of truth: indexes are derived from it,
 * so any index kind can be rebuilt without re-embedding.
 */
final class ChunkTable {
    private static final int MAGIC = 0x52545631; // "RTV1"
    private static final int HEADER_BYTES = 12;

    private final List<StoredChunk> rows;
    private final List<float[]> vectors;
    private final Map<Integer, Integer> rowOfOrdinal;
    private final int dimension;

    ChunkTable(int dimension) {
        this(dimension, new ArrayList<>(), new ArrayList<>());
    }

    private ChunkTable(int dimension, List<StoredChunk> rows, List<float[]> vectors) {
        this.dimension = dimension;
        this.rows = rows;
        this.vectors = vectors;
        this.rowOfOrdinal = new HashMap<>(rows.size() * 2);
        for (int i = 0; i < rows.size(); i++) rowOfOrdinal.put(rows.get(i).ordinal(), i);
    }

    int size() {
        return rows.size();
    }

    int dimension() {
        return dimension;
    }

    List<StoredChunk> rows() {
        return java.util.Collections.unmodifiableList(rows);
    }

    StoredChunk byOrdinal(int ordinal) {
        Integer row = rowOfOrdinal.get(ordinal);
        return row == null ? null : rows.get(row);
    }

    float[] vector(int ordinal) {
        Integer row = rowOfOrdinal.get(ordinal);
        return row == null ? null : vectors.get(row);
    }

    void add(StoredChunk chunk, float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector of chunk " + chunk.chunk().id() + " has dimension "
                    + vector.length + ", the collection " + dimension);
        }
        if (rowOfOrdinal.putIfAbsent(chunk.ordinal(), rows.size()) != null) {
            throw new IllegalArgumentException("ordinal " + chunk.ordinal() + " is already in the collection");
        }
        rows.add(chunk);
        vectors.add(vector);
    }

    /** A copy without the given ordinals. */
    ChunkTable without(java.util.Set<Integer> ordinals) {
        List<StoredChunk> keptRows = new ArrayList<>(rows.size());
        List<float[]> keptVectors = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            if (!ordinals.contains(rows.get(i).ordinal())) {
                keptRows.add(rows.get(i));
                keptVectors.add(vectors.get(i));
            }
        }
        return new ChunkTable(dimension, keptRows, keptVectors);
    }

    void write(Path chunksFile, Path vectorsFile, ObjectMapper json) throws IOException {
        AtomicFile.write(chunksFile, out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (StoredChunk row : rows) {
                w.write(json.writeValueAsString(toJson(row, json)));
                w.write('\n');
            }
            w.flush();
        });
        AtomicFile.write(vectorsFile, out -> writeVectors(out));
    }

    private void writeVectors(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(dimension).putInt(vectors.size());
        data.write(header.array());
        ByteBuffer buf = ByteBuffer.allocate(dimension * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] v : vectors) {
            buf.clear();
            buf.asFloatBuffer().put(v);
            data.write(buf.array());
        }
        data.flush();
    }

    static ChunkTable read(Path chunksFile, Path vectorsFile, int dimension, ObjectMapper json) {
        List<StoredChunk> rows = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(chunksFile, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                try {
                    rows.add(fromJson(json.readTree(line)));
                } catch (IOException | RuntimeException e) {
                    throw new CollectionException("chunk file " + chunksFile + " is damaged at line " + n + " ("
                            + e.getMessage() + "); re-ingest the sources into a new collection", e);
                }
            }
        } catch (IOException e) {
            throw new CollectionException("cannot read chunk file " + chunksFile + ": " + e.getMessage(), e);
        }
        List<float[]> vectors = readVectors(vectorsFile, dimension, rows.size());
        return new ChunkTable(dimension, rows, vectors);
    }

    private static List<float[]> readVectors(Path file, int dimension, int expectedRows) {
        long expected = HEADER_BYTES + (long) expectedRows * dimension * 4;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size != expected) {
                throw new CollectionException("vector file " + file + " is truncated or damaged (expected " + expected
                        + " bytes for " + expectedRows + " vectors of dimension " + dimension + ", found " + size
                        + "); re-ingest the sources into a new collection");
            }
            ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            int magic = all.getInt();
            all.order(ByteOrder.LITTLE_ENDIAN);
            int dim = all.getInt();
            int count = all.getInt();
            if (magic != MAGIC || dim != dimension || count != expectedRows) {
                throw new CollectionException("vector file " + file + " does not match the manifest (dimension " + dim
                        + " vs " + dimension + ", " + count + " vs " + expectedRows + " vectors)");
            }
            var floats = all.asFloatBuffer();
            List<float[]> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                float[] v = new float[dimension];
                floats.get(v);
                out.add(v);
            }
            return out;
        } catch (IOException e) {
            throw new CollectionException("cannot read vector file " + file + ": " + e.getMessage(), e);
        }
    }

    private static ObjectNode toJson(StoredChunk row, ObjectMapper json) {
        Chunk c = row.chunk();
        ObjectNode n = json.createObjectNode();
        n.put("ord", row.ordinal());
        n.put("id", c.id());
        n.put("doc_id", c.docId());
        n.put("source", c.source());
        n.put("page", c.page());
        n.put("start", c.start());
        n.put("end", c.end());
        n.put("title", c.title());
        n.put("lang", row.language());
        n.put("text", c.text());
        return n;
    }

    private static StoredChunk fromJson(JsonNode n) {
        Chunk c = new Chunk(n.get("id").asText(), n.get("doc_id").asText(), n.get("source").asText(),
                n.get("page").asInt(), n.get("start").asInt(), n.get("end").asInt(), n.path("title").asText(""),
                n.get("text").asText());
        return new StoredChunk(n.get("ord").asInt(), c, n.path("lang").asText("en"));
    }

}
