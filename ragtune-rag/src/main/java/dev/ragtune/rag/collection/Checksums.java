package dev.ragtune.rag.collection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * The size and CRC32C of every file of a generation, as recorded in the manifest at commit and verified when a
 * collection is opened (sizes everywhere, all bytes of the files ragtune reads whole) and by {@code ragtune check}
 * (all bytes of every file). Lucene files keep Lucene's own per-file footers too; ours cover every file alike.
 */
final class Checksums {
    /** How much a verification reads. */
    enum Depth {
        /** Every file's presence and size; all bytes of the files that are read whole anyway (not Lucene's). */
        OPEN,
        /** All bytes of every file. */
        ALL_BYTES
    }

    private Checksums() {}

    /**
     * The files of generation {@code gen} with their sums. A file that is the very same file (a hard link) as one of
     * {@code previous}'s generation keeps its recorded sum instead of being read again.
     */
    static Map<String, Manifest.FileSum> record(Layout layout, long gen, Manifest previous) throws IOException {
        Map<String, Manifest.FileSum> out = new TreeMap<>();
        for (Path p : files(layout, gen)) {
            String name = relative(layout, p);
            Manifest.FileSum sum = reused(layout, p, previous);
            out.put(name, sum != null ? sum : new Manifest.FileSum(Files.size(p), crc32c(p)));
        }
        return out;
    }

    private static Manifest.FileSum reused(Layout layout, Path file, Manifest previous) throws IOException {
        if (previous == null || previous.files() == null) return null;
        Path folder = layout.dir().relativize(file);
        if (folder.getNameCount() != 2) return null; // only files inside index folders are carried over
        String kind = folder.getName(0).toString().replaceAll("\\.\\d+$", "");
        String old = kind + "." + previous.generation() + "/" + folder.getName(1);
        Manifest.FileSum sum = previous.files().get(old);
        Path oldFile = layout.dir().resolve(old);
        if (sum == null || !Files.exists(oldFile) || !Files.isSameFile(oldFile, file) || Files.size(file) != sum.bytes()) {
            return null;
        }
        return sum;
    }

    /** The data files of generation {@code gen} (temp files and Lucene's write.lock excluded), sorted. */
    static List<Path> files(Layout layout, long gen) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : List.of(layout.chunks(gen), layout.vectors(gen), layout.sources(gen))) {
            if (Files.isRegularFile(p)) out.add(p);
        }
        for (Path folder : List.of(layout.dense(gen), layout.bm25(gen))) {
            if (!Files.isDirectory(folder)) continue;
            Set<String> lucene = luceneCommit(folder);
            try (Stream<Path> list = Files.list(folder)) {
                list.filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(p -> !p.getFileName().toString().equals("write.lock"))
                        .filter(p -> !isLuceneFile(p) || lucene.contains(p.getFileName().toString()))
                        .sorted()
                        .forEach(out::add);
            }
        }
        return out;
    }

    /**
     * The files of the latest Lucene commit in {@code folder} (empty when it holds none). A Lucene folder may also
     * hold files of merged-away segments that an open reader still uses; they belong to no commit.
     */
    private static Set<String> luceneCommit(Path folder) throws IOException {
        boolean any;
        try (Stream<Path> list = Files.list(folder)) {
            any = list.anyMatch(p -> p.getFileName().toString().startsWith("segments_"));
        }
        if (!any) return Set.of();
        try (Directory d = FSDirectory.open(folder)) {
            return new HashSet<>(SegmentInfos.readLatestCommit(d).files(true));
        }
    }

    private static boolean isLuceneFile(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith("_") || name.startsWith("segments");
    }

    static String relative(Layout layout, Path file) {
        return layout.dir().relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    /** Serializes a manifest the same way every time: map entries sorted by key. */
    static final com.fasterxml.jackson.databind.ObjectWriter CANONICAL = Collection.JSON.writer()
            .with(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** CRC32C of the manifest's canonical JSON with its own checksum field empty. */
    static String ofManifest(Manifest m) {
        try {
            CRC32C crc = new CRC32C();
            crc.update(CANONICAL.writeValueAsBytes(m.withChecksum(null)));
            return String.format("%08x", crc.getValue());
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize a manifest", e);
        }
    }

    /** CRC32C of all bytes of {@code file}, as 8 lower-case hex digits. */
    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) crc.update(buf, 0, n);
        }
        return String.format("%08x", crc.getValue());
    }

    /**
     * Checks the files the manifest lists. Returns one line per damaged file, naming it, what is wrong and how to
     * repair it; empty when all is well (or when the manifest is of format 1 and recorded no sums).
     */
    static List<String> verify(Layout layout, Manifest manifest, Depth depth) {
        List<String> problems = new ArrayList<>();
        if (manifest.files() == null) return problems;
        boolean luceneDense = "hnsw".equals(manifest.index().kind());
        for (Map.Entry<String, Manifest.FileSum> e : manifest.files().entrySet()) {
            Path file = layout.dir().resolve(e.getKey());
            Manifest.FileSum sum = e.getValue();
            try {
                if (!Files.isRegularFile(file)) {
                    problems.add(file + " is missing; " + Repair.of(layout, e.getKey()));
                    continue;
                }
                long size = Files.size(file);
                if (size != sum.bytes()) {
                    problems.add(file + " has " + size + " bytes, the manifest recorded " + sum.bytes() + " (truncated or "
                            + "overwritten); " + Repair.of(layout, e.getKey()));
                    continue;
                }
                boolean lucene = e.getKey().startsWith("bm25.")
                        || (luceneDense && e.getKey().startsWith("dense.") && !e.getKey().endsWith("/index.json"));
                if (depth == Depth.ALL_BYTES || !lucene) {
                    String crc = crc32c(file);
                    if (!crc.equals(sum.crc32c())) {
                        problems.add(file + " is damaged (CRC32C " + crc + ", the manifest recorded " + sum.crc32c()
                                + "); " + Repair.of(layout, e.getKey()));
                    }
                }
            } catch (IOException ex) {
                problems.add(file + " cannot be read (" + ex.getMessage() + "); " + Repair.of(layout, e.getKey()));
            }
        }
        return problems;
    }

    /** What to do about a damaged file, by the kind of file. */
    static final class Repair {
        private Repair() {}

        static String of(Layout layout, String relative) {
            if (relative.startsWith("dense.") || relative.startsWith("bm25.")) {
                return "rebuild the indexes from the stored chunks with 'ragtune ingest --collection " + layout.dir()
                        + " --reindex'";
            }
            return "the chunks and vectors are the collection's source of truth and cannot be rebuilt from it: "
                    + "re-ingest the files 'ragtune check --collection " + layout.dir() + "' lists into a new collection";
        }
    }
}
