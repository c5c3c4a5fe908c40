package dev.ragtune.rag.collection;

import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.document.ChunkSink;
import dev.ragtune.rag.document.Chunker;
import dev.ragtune.rag.document.Document;
import dev.ragtune.rag.document.DocumentReaders;
import dev.ragtune.rag.document.DocumentVisitor;
import dev.ragtune.rag.document.Section;
import dev.ragtune.rag.embed.Embedder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Puts files into a collection: read → chunk → embed → stage, file by file. A file whose bytes and chunking are
 * unchanged since it was ingested is skipped; a changed one replaces its chunks. A file that fails (corrupt,
 * encrypted, binary…) is reported and left out while the others go in; only complete files are staged, and the
 * caller's {@link CollectionWriter#commit()} makes them visible.
 */
public final class Ingestion {
    /** Hears about the work as it goes; all methods are optional. */
    public interface Listener {
        default void started(int files, long bytes) {
        }

        /** After each embedded batch and each file. */
        default void progress(int filesDone, int files, long chunks, long bytesDone, long bytesTotal, String current) {
        }

        default void skipped(Path file, String reason) {
        }

        default void failed(Path file, String message) {
        }

        default void warning(String file, String message) {
        }
    }

    /** What a run did; {@code files} counts every input, including paths that do not exist (which count as failed). */
    public record Report(int files, int ingested, int unchanged, int failed, int chunksAdded, int chunksReplaced) {}

    private static final int EMBED_BATCH = 128;

    private final CollectionWriter writer;
    private final Embedder embedder;
    private final Chunker chunker;
    private final Listener listener;

    public Ingestion(CollectionWriter writer, Embedder embedder, Listener listener) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.listener = listener == null ? new Listener() {} : listener;
        Manifest.ChunkingInfo c = writer.manifest().chunking();
        this.chunker = new Chunker(embedder, c.chunkTokens(), c.overlapTokens());
    }

    /** Files under {@code roots} (folders recursively, hidden entries skipped, sorted), each with its root. */
    public static List<Path[]> expand(List<Path> roots, Listener listener) {
        List<Path[]> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                listener.failed(root, "no such file or folder");
                continue;
            }
            if (Files.isDirectory(root)) {
                try (Stream<Path> walk = Files.walk(root)) {
                    walk.filter(Files::isRegularFile)
                            .filter(p -> !isHidden(root, p))
                            .filter(DocumentReaders::isSupported)
                            .sorted()
                            .forEach(p -> out.add(new Path[] {root, p}));
                } catch (IOException e) {
                    listener.failed(root, "cannot list folder: " + e.getMessage());
                }
            } else {
                out.add(new Path[] {root, root});
            }
        }
        return out;
    }

    private static boolean isHidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) return true;
        }
        return false;
    }

    public Report run(List<Path> roots) {
        int[] missing = {0};
        List<Path[]> files = expand(roots, new Listener() {
            @Override
            public void failed(Path file, String message) {
                missing[0]++; // a path that does not exist (or a folder that cannot be listed) is a failed input
                listener.failed(file, message);
            }
        });
        long totalBytes = 0;
        for (Path[] f : files) totalBytes += sizeOf(f[1]);
        listener.started(files.size(), totalBytes);
        int ingested = 0, unchanged = 0, failed = missing[0], added = 0, replaced = 0;
        long bytesDone = 0;
        long chunksDone = 0;
        String chunking = writer.manifest().chunking().chunkTokens() + "/" + writer.manifest().chunking().overlapTokens();
        for (int i = 0; i < files.size(); i++) {
            Path root = files.get(i)[0];
            Path file = files.get(i)[1];
            String source = file.toAbsolutePath().normalize().toString();
            long size = sizeOf(file);
            try {
                String sha = sha256(file);
                SourceEntry old = writer.source(source);
                if (old != null && old.sha256().equals(sha) && old.chunking().equals(chunking)) {
                    unchanged++;
                    listener.skipped(file, "unchanged");
                } else {
                    FileChunks result = readFile(root, file, source, i, files.size(), chunksDone, bytesDone, size,
                            totalBytes);
                    if (result.chunks.isEmpty()) {
                        failed++;
                        listener.failed(file, "no text found; nothing was added (if it is a scan, OCR it first)");
                    } else {
                        if (old != null) replaced += old.ordinals().size();
                        List<Integer> ordinals = new ArrayList<>(result.chunks.size());
                        for (StoredChunk c : result.chunks) ordinals.add(c.ordinal());
                        writer.put(new SourceEntry(source, sha, size, result.docIds, ordinals, chunking,
                                Instant.now().toString()), result.chunks, result.vectors.toArray(new float[0][]));
                        ingested++;
                        added += result.chunks.size();
                        chunksDone += result.chunks.size();
                    }
                }
            } catch (IOException | RuntimeException e) {
                failed++;
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                listener.failed(file, msg);
            }
            bytesDone += size;
            listener.progress(i + 1, files.size(), chunksDone, bytesDone, totalBytes, file.getFileName().toString());
        }
        return new Report(files.size() + missing[0], ingested, unchanged, failed, added, replaced);
    }

    private final class FileChunks {
        final List<StoredChunk> chunks = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();
        final List<String> docIds = new ArrayList<>();
        final List<StoredChunk> pending = new ArrayList<>();
        // how far into a big file we are, for the ETA: characters of text chunked so far stand in for bytes (exact
        // for ASCII text, an underestimate for markup and PDF)
        private long textOfFinishedDocuments;
        private long textOfCurrentDocument;
        private Document currentDocument;

        void chunked(Document document, Chunk chunk) {
            if (document != currentDocument) {
                textOfFinishedDocuments += textOfCurrentDocument;
                textOfCurrentDocument = 0;
                currentDocument = document;
            }
            textOfCurrentDocument = Math.max(textOfCurrentDocument, chunk.end());
        }

        /** Bytes of a file of {@code fileBytes} read so far, estimated from the text chunked, below the file's size. */
        long bytesRead(long fileBytes) {
            return Math.min(textOfFinishedDocuments + textOfCurrentDocument, Math.max(0, fileBytes - 1));
        }

        void flush() {
            if (pending.isEmpty()) return;
            List<String> texts = new ArrayList<>(pending.size());
            for (StoredChunk c : pending) texts.add(c.chunk().text());
            float[][] v = embedder.embed(texts);
            for (float[] x : v) vectors.add(x);
            chunks.addAll(pending);
            pending.clear();
        }
    }

    private FileChunks readFile(Path root, Path file, String source, int fileIndex, int fileCount, long chunksBefore,
                                long bytesBefore, long fileBytes, long totalBytes) throws IOException {
        FileChunks out = new FileChunks();
        Set<String> taken = new HashSet<>(writer.docIds());
        SourceEntry old = writer.source(source);
        if (old != null) taken.removeAll(old.docIds());
        String language = writer.manifest().language();
        ChunkSink sink = new ChunkSink() {
            @Override
            public void accept(Document document, List<Chunk> chunks) {
                String lang = "auto".equals(language) ? document.language().code() : language;
                for (Chunk c : chunks) {
                    out.pending.add(new StoredChunk(writer.nextOrdinal(), c, lang));
                    out.chunked(document, c);
                    if (out.pending.size() >= EMBED_BATCH) {
                        out.flush();
                        listener.progress(fileIndex, fileCount, chunksBefore + out.chunks.size(),
                                bytesBefore + out.bytesRead(fileBytes), totalBytes, file.getFileName().toString());
                    }
                }
            }

            @Override
            public void warning(String f, String message) {
                listener.warning(f, message);
            }
        };
        DocumentVisitor chunking = chunker.visitor(sink);
        DocumentVisitor renaming = new DocumentVisitor() {
            @Override
            public void startDocument(Document d) throws IOException {
                String id = d.id();
                if (taken.contains(id)) {
                    int n = 2;
                    while (taken.contains(d.id() + "~" + n)) n++;
                    id = d.id() + "~" + n;
                    listener.warning(file.toString(), "document id '" + d.id() + "' is already used by another file; "
                            + "this one is stored as '" + id + "'");
                    d = new Document(id, d.source(), d.title(), d.language(), d.metadata());
                }
                taken.add(id);
                out.docIds.add(id);
                chunking.startDocument(d);
            }

            @Override
            public void section(Section section) throws IOException {
                chunking.section(section);
            }

            @Override
            public void endDocument(Document d) throws IOException {
                chunking.endDocument(d);
            }

            @Override
            public void warning(String f, String message) {
                listener.warning(f, message);
            }
        };
        DocumentReaders.read(root, file, renaming);
        out.flush();
        return out;
    }

    static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

}
