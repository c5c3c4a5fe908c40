package dev.ragtune.rag.index;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Reads and writes the files of an index folder: {@code index.json} plus raw little-endian arrays.
 *
 * <p>Crash safety: data files get a fresh generation suffix, are written to temp names and renamed; {@code index.json}
 * is replaced last with an atomic move, so a reader sees either the old generation or the new one, never a mix.
 * Files of older generations are deleted after the switch.
 */
final class IndexFolder {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String REBUILD = "rebuild with `ragtune ingest --reindex`";

    private IndexFolder() {}

    /** A new generation tag for data file names. */
    static String newGeneration() {
        return Long.toString(System.currentTimeMillis(), 36) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static IndexMeta readMeta(Path dir) throws IOException {
        Path file = dir.resolve(IndexMeta.FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new CorruptIndexException("no index in " + dir + ": " + file + " is missing; " + REBUILD);
        }
        IndexMeta meta;
        try {
            meta = JSON.readValue(file.toFile(), IndexMeta.class);
        } catch (JsonProcessingException e) {
            throw new CorruptIndexException("index file " + file + " is not valid JSON (" + e.getOriginalMessage()
                    + "); " + REBUILD, e);
        }
        if (meta.format() != IndexMeta.FORMAT) {
            throw new CorruptIndexException("index file " + file + " has format " + meta.format() + ", this ragtune reads "
                    + IndexMeta.FORMAT + "; " + REBUILD);
        }
        if (meta.dimension() <= 0 || meta.count() < 0) {
            throw new CorruptIndexException("index file " + file + " has dimension " + meta.dimension() + " and count "
                    + meta.count() + "; " + REBUILD);
        }
        return meta;
    }

    /** Atomically replaces {@code index.json}, then deletes data files not named by {@code meta} (old generations). */
    static void commitMeta(Path dir, IndexMeta meta, Set<String> ownedPrefixes) throws IOException {
        Path tmp = Files.createTempFile(dir, ".index-", ".json.tmp");
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            Files.move(tmp, dir.resolve(IndexMeta.FILE_NAME), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        Set<String> keep = new HashSet<>(meta.files().values());
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (!keep.contains(name) && ownedPrefixes.stream().anyMatch(name::startsWith)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Writes {@code data[0..count)} little-endian to {@code dir/name} via a temp file and an atomic rename. */
    static void writeFloats(Path dir, String name, FloatSource data, long count) throws IOException {
        write(dir, name, count * Float.BYTES, new Filler() {
            long next;

            @Override
            public long fill(ByteBuffer buf) {
                while (next < count && buf.hasRemaining()) buf.putFloat(data.get(next++));
                return next;
            }
        });
    }

    static void writeInts(Path dir, String name, int[] data, int count) throws IOException {
        write(dir, name, (long) count * Integer.BYTES, new Filler() {
            int next;

            @Override
            public long fill(ByteBuffer buf) {
                while (next < count && buf.hasRemaining()) buf.putInt(data[next++]);
                return next;
            }
        });
    }

    /** Produces float i of a logical array. */
    @FunctionalInterface
    interface FloatSource {
        float get(long i);
    }

    @FunctionalInterface
    private interface Filler {
        /** Fills {@code buf} from where it left off; returns how many elements are written so far. */
        long fill(ByteBuffer buf);
    }

    private static void write(Path dir, String name, long bytes, Filler filler) throws IOException {
        Path tmp = Files.createTempFile(dir, "." + name + "-", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                long written = 0;
                while (written < bytes) {
                    buf.clear();
                    filler.fill(buf);
                    buf.flip();
                    while (buf.hasRemaining()) written += ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Maps {@code dir/name}, checking that it holds exactly {@code expectedBytes}. */
    static ByteBuffer read(Path dir, String name, long expectedBytes) throws IOException {
        Path file = dir.resolve(name);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < expectedBytes) {
                throw new CorruptIndexException("index file " + file + " is truncated (expected " + expectedBytes
                        + " bytes, found " + size + "); " + REBUILD);
            }
            if (size > expectedBytes) {
                throw new CorruptIndexException("index file " + file + " is longer than its index.json says (expected "
                        + expectedBytes + " bytes, found " + size + "); " + REBUILD);
            }
            if (expectedBytes > Integer.MAX_VALUE) {
                return ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
            }
            ByteBuffer buf = ByteBuffer.allocate((int) expectedBytes).order(ByteOrder.LITTLE_ENDIAN);
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) break;
            }
            return buf.flip();
        } catch (NoSuchFileException e) {
            throw new CorruptIndexException("index file " + file + " is missing; " + REBUILD, e);
        }
    }

    /** The file name recorded for {@code logical} in {@code meta}, or a clear error. */
    static String file(IndexMeta meta, Path dir, String logical) throws CorruptIndexException {
        String name = meta.files().get(logical);
        if (name == null || name.contains("/") || name.contains("\\")) {
            throw new CorruptIndexException("index file " + dir.resolve(IndexMeta.FILE_NAME) + " names no valid '"
                    + logical + "' file; " + REBUILD);
        }
        return name;
    }
}
