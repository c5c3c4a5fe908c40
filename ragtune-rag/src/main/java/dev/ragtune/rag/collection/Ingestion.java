package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.StoredChunk;
import dev.ragtune.rag.corpus.SourceEntry;
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
 * caller's {@link CorpusWriter#commit()} makes them visible.
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

        /** After each commit the run made on its own ({@link Checkpoints}). */
        default void committed(Manifest manifest) {
        }
    }

    /** What a run did; {@code files} counts every input, including paths that do not exist (which count as failed). */
    public record Report(int files, int ingested, int unchanged, int failed, int chunksAdded, int chunksReplaced) {}

    /**
     * When a run commits on its own (through {@link CollectionWriter#checkpoint()}): after {@code everyChunks} new
     * chunks or {@code everySeconds} seconds, whichever comes first, also in the middle of a file. A kill then loses
     * at most that much; the next run finishes a partly committed file instead of starting it again.
     */
    public record Checkpoints(int everyChunks, double everySeconds) {
        /** Never: the caller commits once at the end. */
        public static final Checkpoints NEVER = new Checkpoints(Integer.MAX_VALUE, Double.POSITIVE_INFINITY);

        public Checkpoints {
            if (everyChunks < 1) throw new IllegalArgumentException("commit every N chunks needs N >= 1, was " + everyChunks);
            if (!(everySeconds > 0)) {
                throw new IllegalArgumentException("commit every S seconds needs S > 0, was " + everySeconds);
            }
        }
    }

    private static final int EMBED_BATCH = 128;

    private final CorpusWriter writer;
    /** The same writer when it is a local folder's (which can checkpoint and resume), else null. */
    private final CollectionWriter local;
    private final Embedder embedder;
    private final Chunker chunker;
    private final Listener listener;
    private final Checkpoints checkpoints;
    private long stagedSinceCommit;
    private long lastCommit;

    /** An ingestion that leaves committing to the caller. */
    public Ingestion(CorpusWriter writer, Embedder embedder, Listener listener) {
        this(writer, embedder, listener, Checkpoints.NEVER);
    }

    /**
     * An ingestion that also commits as it goes (the caller still commits the end). Committing as it goes, and so
     * resuming a partly ingested file, is the local folder's ({@link CollectionWriter}); other backends commit at the
     * end and are refused any other policy.
     */
    public Ingestion(CorpusWriter writer, Embedder embedder, Listener listener, Checkpoints checkpoints) {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.local = writer instanceof CollectionWriter cw ? cw : null;
        if (local == null && checkpoints != null && !checkpoints.equals(Checkpoints.NEVER)) {
            throw new IllegalArgumentException(writer.location() + " commits once at the end of an ingest; "
                    + "progressive commits (--commit-every-chunks/--commit-every-seconds) are for local folders");
        }
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
        this.listener = listener == null ? new Listener() {} : listener;
        this.chunker = new Chunker(embedder, writer.chunkTokens(), writer.overlapTokens());
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
        String chunking = writer.chunkTokens() + "/" + writer.overlapTokens();
        lastCommit = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            Path root = files.get(i)[0];
            Path file = files.get(i)[1];
            String source = file.toAbsolutePath().normalize().toString();
            long size = sizeOf(file);
            FileChunks result = null;
            try {
                String sha = sha256(file);
                SourceEntry old = writer.source(source);
                boolean same = old != null && old.sha256().equals(sha) && old.chunking().equals(chunking);
                if (same && (!old.partial() || local == null)) {
                    unchanged++;
                    listener.skipped(file, "unchanged");
                } else {
                    FileChunks.Progress at = new FileChunks.Progress(i, files.size(), chunksDone, bytesDone, size, totalBytes);
                    SourceEntry resume = same ? old : null;
                    result = new FileChunks(source, sha, size, chunking, resume);
                    try {
                        readFile(root, file, result, at);
                    } catch (ResumeMismatch e) {
                        listener.warning(file.toString(), "its stored part no longer matches its chunks; ingesting it "
                                + "again from the start");
                        result = new FileChunks(source, sha, size, chunking, null);
                        readFile(root, file, result, at);
                    }
                    if (result.isEmpty()) {
                        failed++;
                        listener.failed(file, "no text found; nothing was added (if it is a scan, OCR it first)");
                    } else {
                        if (old != null && result.resumed == 0) replaced += old.ordinals().size();
                        result.stage(false);
                        ingested++;
                        added += result.added;
                        chunksDone += result.added;
                    }
                }
            } catch (IOException | RuntimeException e) {
                failed++;
                if (result != null && result.staged) writer.remove(source); // nothing of a failed file stays
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                listener.failed(file, msg);
            }
            bytesDone += size;
            listener.progress(i + 1, files.size(), chunksDone, bytesDone, totalBytes, file.getFileName().toString());
            maybeCheckpoint(null);
        }
        return new Report(files.size() + missing[0], ingested, unchanged, failed, added, replaced);
    }

    /** Commits through the writer when the policy says so, first staging the part of {@code current} embedded so far. */
    private void maybeCheckpoint(FileChunks current) {
        if (checkpoints.equals(Checkpoints.NEVER)) return;
        long pending = stagedSinceCommit + (current == null ? 0 : current.chunks.size());
        if (pending == 0) return;
        double seconds = (System.nanoTime() - lastCommit) / 1e9;
        if (pending < checkpoints.everyChunks() && seconds < checkpoints.everySeconds()) return;
        if (current != null) current.stage(true);
        Manifest m = local.checkpoint();
        stagedSinceCommit = 0;
        lastCommit = System.nanoTime();
        listener.committed(m);
    }

    /** The stored part of a partly ingested file does not match what chunking the file gives now. */
    private static final class ResumeMismatch extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ResumeMismatch() {
            super("the stored chunks of a partly ingested file do not match its chunks", null, false, false);
        }
    }

    /** One file on its way in: the chunks embedded but not yet staged, and what is staged of it already. */
    private final class FileChunks {
        /** Where the whole run stands when this file starts, for progress reports. */
        record Progress(int fileIndex, int fileCount, long chunksBefore, long bytesBefore, long fileBytes,
                        long totalBytes) {}

        final String source;
        final String sha;
        final long size;
        final String chunking;
        final List<StoredChunk> chunks = new ArrayList<>();
        final List<float[]> vectors = new ArrayList<>();
        final List<String> docIds = new ArrayList<>();
        final List<StoredChunk> pending = new ArrayList<>();
        /** Ordinals of this file already in the writer (from a checkpoint, or the stored part being resumed). */
        final List<Integer> stagedOrdinals = new ArrayList<>();
        /** The stored chunks of a partly ingested file, which its re-read must give again first; empty otherwise. */
        final List<StoredChunk> resumeRows = new ArrayList<>();
        int resumed;
        int added;
        boolean staged;
        // how far into a big file we are, for the ETA: characters of text chunked so far stand in for bytes (exact
        // for ASCII text, an underestimate for markup and PDF)
        private long textOfFinishedDocuments;
        private long textOfCurrentDocument;
        private Document currentDocument;

        FileChunks(String source, String sha, long size, String chunking, SourceEntry resume) {
            this.source = source;
            this.sha = sha;
            this.size = size;
            this.chunking = chunking;
            if (resume != null) {
                for (int ordinal : resume.ordinals()) {
                    StoredChunk c = local.chunk(ordinal);
                    if (c == null) throw new IllegalStateException("chunk " + ordinal + " of " + source + " is not stored");
                    resumeRows.add(c);
                }
                stagedOrdinals.addAll(resume.ordinals());
                staged = true;
            }
        }

        boolean isEmpty() {
            return chunks.isEmpty() && stagedOrdinals.isEmpty();
        }

        /** True when {@code chunk} is the next one of the stored part (so it is kept, not embedded again). */
        boolean alreadyStored(Chunk chunk) {
            if (resumed >= resumeRows.size()) return false;
            Chunk stored = resumeRows.get(resumed).chunk();
            if (!stored.text().equals(chunk.text()) || !stored.docId().equals(chunk.docId())) throw new ResumeMismatch();
            resumed++;
            return true;
        }

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

        /**
         * Hands the chunks embedded so far to the writer under this file's record: the first time with
         * {@link CollectionWriter#put} (replacing an older version of the file), then with
         * {@link CollectionWriter#append}. {@code partial} marks a file whose end is still to come.
         */
        void stage(boolean partial) {
            if (partial && !resumeDone()) return; // the stored part is not even re-read yet: nothing new to stage
            List<Integer> ordinals = new ArrayList<>(stagedOrdinals);
            for (StoredChunk c : chunks) ordinals.add(c.ordinal());
            SourceEntry entry = new SourceEntry(source, sha, size, docIds, ordinals, chunking, Instant.now().toString(),
                    partial);
            float[][] v = vectors.toArray(new float[0][]);
            if (staged) local.append(entry, chunks, v); // staged before the end only by a local checkpoint
            else writer.put(entry, chunks, v);
            staged = true;
            stagedSinceCommit += chunks.size();
            added += chunks.size();
            stagedOrdinals.clear();
            stagedOrdinals.addAll(ordinals);
            chunks.clear();
            vectors.clear();
        }

        private boolean resumeDone() {
            return resumed >= resumeRows.size();
        }
    }

    private void readFile(Path root, Path file, FileChunks out, FileChunks.Progress at) throws IOException {
        Set<String> taken = new HashSet<>(writer.docIds());
        SourceEntry old = writer.source(out.source);
        if (old != null) taken.removeAll(old.docIds());
        String language = writer.language();
        ChunkSink sink = new ChunkSink() {
            @Override
            public void accept(Document document, List<Chunk> chunks) {
                String lang = "auto".equals(language) ? document.language().code() : language;
                for (Chunk c : chunks) {
                    out.chunked(document, c);
                    if (out.alreadyStored(c)) continue;
                    out.pending.add(new StoredChunk(writer.nextOrdinal(), c, lang));
                    if (out.pending.size() >= Math.min(EMBED_BATCH, checkpoints.everyChunks())) {
                        out.flush();
                        listener.progress(at.fileIndex(), at.fileCount(), at.chunksBefore() + out.added + out.chunks.size(),
                                at.bytesBefore() + out.bytesRead(at.fileBytes()), at.totalBytes(),
                                file.getFileName().toString());
                        maybeCheckpoint(out);
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
