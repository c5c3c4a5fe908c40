package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionCheck;
import dev.ragtune.rag.collection.FolderBackend;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ragtune ingest}: files and folders into a collection. */
@Command(name = "ingest", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Read PDF, HTML, Markdown, text and JSONL files (folders recursively), chunk them, embed the "
                + "chunks and index them in a collection. Changed files replace their chunks; unchanged ones are skipped.",
                "Exit code: 0 all went in, 3 some files failed (the others went in), 1 nothing could be done. A path that "
                        + "does not exist counts as a failed file."})
public final class IngestCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR|URI",
            description = "Collection folder, or a SolrCloud collection (solr://ZK_HOST:PORT[,HOST:PORT…]/NAME or "
                    + "solr+http://HOST:PORT/solr/NAME); created if missing.")
    String collection;

    @Option(names = "--shards", paramLabel = "N", description = "SolrCloud: shards of a new collection (default 1).")
    Integer shards;

    @Option(names = "--replicas", paramLabel = "N", description = "SolrCloud: replicas per shard of a new collection (default 1).")
    Integer replicas;

    @Option(names = "--index", paramLabel = "KIND",
            description = "Dense index: flat (exact), ivf or hnsw. New collections default to flat; on an existing "
                    + "collection a different kind re-indexes the stored vectors (no re-embedding).")
    String index;

    @Option(names = "--nlist", paramLabel = "N", description = "IVF: number of lists (default: from the collection size).")
    Integer nlist;

    @Option(names = "--m", paramLabel = "M", description = "HNSW: links per node (default 16).")
    Integer m;

    @Option(names = "--beam-width", paramLabel = "N", description = "HNSW: beam width at build time (default 100).")
    Integer beamWidth;

    @Option(names = "--chunk-tokens", paramLabel = "N",
            description = "Most embedder tokens per chunk (new collections; default 200).")
    Integer chunkTokens;

    @Option(names = "--overlap", paramLabel = "N", description = "Tokens repeated between chunks (new collections; default 32).")
    Integer overlap;

    @Option(names = "--language", defaultValue = "auto",
            description = "BM25 analyzer: auto (guess per document), en or pt (new collections).")
    String language;

    @Option(names = "--reindex", description = "Rebuild the dense and BM25 indexes from the stored chunks and vectors "
            + "(the repair for a missing or damaged index; also upgrades a format-1 collection to checksums). Exits 0 "
            + "only when the result passes 'ragtune check'.")
    boolean reindex;

    @Option(names = "--commit-every-chunks", paramLabel = "N", defaultValue = "2000",
            description = "Commit after this many new chunks, also inside a big file (a kill loses at most that; the "
                    + "next run finishes a partly ingested file).")
    int commitEveryChunks;

    @Option(names = "--commit-every-seconds", paramLabel = "S", defaultValue = "120",
            description = "Commit at least this often while ingesting.")
    double commitEverySeconds;

    @Option(names = "--json", description = "Print the summary as one JSON object on stdout (progress stays on stderr).")
    boolean json;

    @Mixin EmbedderOption embedderOption;

    @Parameters(arity = "0..*", paramLabel = "PATH", description = "Files or folders to ingest.")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() {
        if (paths.isEmpty() && !reindex && index == null) {
            throw new ParameterException(spec.commandLine(), "give files or folders to ingest (or --reindex)");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        CorpusSettings settings;
        Ingestion.Checkpoints checkpoints;
        try {
            settings = settings();
            checkpoints = new Ingestion.Checkpoints(commitEveryChunks, commitEverySeconds);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        try (Embedder embedder = embedderOption.open();
             CorpusWriter writer = reindex && !Corpora.isUri(collection) && Collection.exists(Path.of(collection))
                     ? CollectionWriter.openForRepair(Path.of(collection), embedder, FolderBackend.settingsOf(settings))
                     : Corpora.openWriter(collection, embedder, settings)) {
            if (reindex && !(writer instanceof CollectionWriter)) {
                throw new IllegalArgumentException("--reindex rebuilds a local folder's indexes; " + collection
                        + " keeps its own");
            }
            if (!(writer instanceof CollectionWriter)) {
                if (spec.commandLine().getParseResult().hasMatchedOption("--commit-every-chunks")
                        || spec.commandLine().getParseResult().hasMatchedOption("--commit-every-seconds")) {
                    throw new IllegalArgumentException(collection + " commits once at the end of an ingest; "
                            + "--commit-every-chunks/--commit-every-seconds are for local folders");
                }
                checkpoints = Ingestion.Checkpoints.NEVER;
            }
            Progress progress = new Progress(System.err, "chunks");
            Map<String, String> failures = new LinkedHashMap<>();
            Ingestion.Listener listener = new Ingestion.Listener() {
                long totalBytes;

                @Override
                public void started(int files, long bytes) {
                    totalBytes = bytes;
                    err.printf("ingesting %d file(s), %.1f MB, into %s%n", files, bytes / 1e6, collection);
                    err.flush();
                }

                @Override
                public void progress(int filesDone, int files, long chunks, long bytesDone, long bytesTotal, String current) {
                    progress.update(chunks, bytesTotal == 0 ? -1 : (double) bytesDone / bytesTotal,
                            "files " + filesDone + "/" + files + "  " + current);
                }

                @Override
                public void skipped(Path file, String reason) {
                    err.println("  skipped " + file + ": " + reason);
                }

                @Override
                public void failed(Path file, String message) {
                    failures.put(file.toString(), message);
                    err.println("  FAILED " + file + ": " + message);
                }

                @Override
                public void warning(String file, String message) {
                    err.println("  warning " + file + ": " + message);
                }

                @Override
                public void committed(Manifest m) {
                    err.printf("  committed generation %d: %d documents, %d chunks%n", m.generation(), m.documents(),
                            m.chunks());
                }
            };
            Ingestion.Report report = paths.isEmpty() ? new Ingestion.Report(0, 0, 0, 0, 0, 0)
                    : new Ingestion(writer, embedder, listener, checkpoints).run(paths);
            if (report.files() > 0) progress.finish(report.chunksAdded(), "files " + report.files() + "/" + report.files());
            writer.commit();
            int documents = 0, chunks = 0;
            for (SourceEntry s : writer.sources()) {
                documents += s.docIds().size();
                chunks += s.ordinals().size();
            }
            Manifest m = writer instanceof CollectionWriter local ? local.manifest() : null;
            String index = m != null ? m.index().kind() : "the backend's";
            int code = report.failed() == 0 ? 0 : report.ingested() > 0 || report.unchanged() > 0 ? 3 : 1;
            if (reindex) {
                CollectionCheck.Report check = CollectionCheck.run(Path.of(collection), true, CheckCommand.DEFAULT_SAMPLE);
                for (String p : check.problems()) err.println("  after the rebuild: " + p);
                if (!check.ok()) code = 1;
            }
            if (json) {
                out.println(summary(report, m, documents, chunks, failures, code));
                out.flush();
                return code;
            }
            out.printf("%s: %d file(s) ingested, %d unchanged, %d failed; %d chunks added, %d replaced; collection now "
                            + "%d documents, %d chunks (index %s)%n", collection, report.ingested(), report.unchanged(),
                    report.failed(), report.chunksAdded(), report.chunksReplaced(), documents, chunks, index);
            out.flush();
            if (report.failed() > 0) {
                err.println("some files were not ingested (" + String.join(", ", failures.keySet())
                        + "); fix them and run again");
            }
            return code;
        }
    }

    private String summary(Ingestion.Report report, Manifest m, int documents, int chunks, Map<String, String> failures,
                           int code) {
        ObjectNode j = JSON.createObjectNode();
        j.put("collection", collection.toString());
        j.put("files", report.files());
        j.put("ingested", report.ingested());
        j.put("unchanged", report.unchanged());
        j.put("failed", report.failed());
        ArrayNode failed = j.putArray("failures");
        failures.forEach((path, message) -> failed.addObject().put("path", path).put("message", message));
        j.put("chunks_added", report.chunksAdded());
        j.put("chunks_replaced", report.chunksReplaced());
        j.put("documents", documents);
        j.put("chunks", chunks);
        if (m != null) {
            j.put("index", m.index().kind());
            j.put("generation", m.generation());
        }
        j.put("exit_code", code);
        return j.toString();
    }

    private CorpusSettings settings() {
        Map<String, String> params = new LinkedHashMap<>();
        if (nlist != null) params.put("nlist", nlist.toString());
        if (m != null) params.put("m", m.toString());
        if (beamWidth != null) params.put("beamWidth", beamWidth.toString());
        String kind = index == null ? "flat" : index;
        if ((shards != null || replicas != null) && !Corpora.isUri(collection)) {
            throw new IllegalArgumentException("--shards and --replicas are for SolrCloud collections (solr://…); "
                    + collection + " is a local folder");
        }
        if ((shards != null && shards < 1) || (replicas != null && replicas < 1)) {
            throw new IllegalArgumentException("--shards and --replicas must be >= 1");
        }
        CorpusSettings s = new CorpusSettings(kind, params, index != null, chunkTokens == null ? 0 : chunkTokens,
                overlap == null ? 0 : overlap, language, shards == null ? 0 : shards, replicas == null ? 0 : replicas);
        return s;
    }
}
