package dev.ragtune.rag.eval;

import dev.ragtune.rag.collection.AtomicFile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.Citation;
import dev.ragtune.rag.answer.Context;
import dev.ragtune.rag.retrieve.SearchResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Runs configurations ({@code no-rag}, {@code rag}, {@code rag+rerank}) over the same questions in one process and
 * appends one {@link QuestionResult} line per question × configuration to {@code results.jsonl}, fsynced line by
 * line, so an interrupted run can {@code resume}: pairs already in the file are skipped.
 *
 * <p>Two runs cannot write the same results file: a run holds a lock on {@code .results.jsonl.lock} beside it and
 * a second one fails at once naming the file. Sharp edges: a resumed run trusts the lines it finds (it does not check they came from the same settings); a
 * torn last line (the process died mid-write) is dropped and that pair is answered again. A question whose
 * {@link AskPipeline#ask} throws is recorded with its error and scored 0, and the run goes on.
 */
public final class Evaluation {
    /** The configurations, in report order. */
    public static final List<String> KNOWN_CONFIGS = List.of("no-rag", "rag", "rag+rerank");

    /** A configuration: a name from {@link #KNOWN_CONFIGS} and the pipeline that answers for it. */
    public record Config(String name, AskPipeline pipeline, AskPipeline.Options options) {
        public Config {
            if (!KNOWN_CONFIGS.contains(name)) throw unknown(name);
            Objects.requireNonNull(pipeline, "pipeline");
            Objects.requireNonNull(options, "options");
            if (options.noRag() != name.equals("no-rag")) {
                throw new IllegalArgumentException("configuration " + name + " must " + (options.noRag() ? "not " : "")
                        + "ask without retrieval");
            }
        }
    }

    /** Told of progress and of problems. */
    public interface Listener {
        /** After each answered pair; {@code done} counts pairs answered in this run, of {@code todo}. */
        default void progress(int done, int todo, QuestionResult last) {}

        default void warning(String message) {}
    }

    /**
     * The outcome of a run.
     *
     * @param results every result now in results.jsonl (resumed ones too), for the questions given
     * @param resumed pairs that were already in the file and skipped
     */
    public record Run(List<QuestionResult> results, int resumed, int answered) {
        public Run {
            results = List.copyOf(results);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Config> configs;

    public Evaluation(List<Config> configs) {
        if (configs == null || configs.isEmpty()) throw new IllegalArgumentException("no configuration to evaluate");
        Set<String> names = new HashSet<>();
        for (Config c : configs) {
            if (!names.add(c.name())) throw new IllegalArgumentException("configuration " + c.name() + " given twice");
        }
        List<Config> ordered = new ArrayList<>(configs);
        ordered.sort((a, b) -> KNOWN_CONFIGS.indexOf(a.name()) - KNOWN_CONFIGS.indexOf(b.name()));
        this.configs = List.copyOf(ordered);
    }

    /**
     * Parses {@code no-rag,rag,rag+rerank} (any order, any case, repeats ignored) into the known order; an unknown
     * name is an error listing the known ones.
     */
    public static List<String> parseConfigs(String csv) {
        if (csv == null || csv.isBlank()) throw new IllegalArgumentException("no configuration given; known: "
                + String.join(", ", KNOWN_CONFIGS));
        Set<String> seen = new LinkedHashSet<>();
        for (String s : csv.split(",")) {
            String n = s.strip().toLowerCase(Locale.ROOT);
            if (n.isEmpty()) continue;
            if (!KNOWN_CONFIGS.contains(n)) throw unknown(s.strip());
            seen.add(n);
        }
        List<String> out = new ArrayList<>(KNOWN_CONFIGS);
        out.retainAll(seen);
        return out;
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown configuration '" + name + "'; known configurations: "
                + String.join(", ", KNOWN_CONFIGS));
    }

    /**
     * Warnings for gold ids that name no chunk or document of the collection: such questions can never count as
     * retrieved. One warning per kind of id, with the count of questions and up to 5 example ids.
     */
    public static List<String> missingGold(List<EvalQuestion> questions, Set<String> chunkIds, Set<String> docIds) {
        List<String> chunks = new ArrayList<>();
        List<String> docs = new ArrayList<>();
        int chunkQuestions = 0, docQuestions = 0;
        for (EvalQuestion q : questions) {
            boolean c = false, d = false;
            for (String id : q.goldChunkIds()) {
                if (!chunkIds.contains(id)) {
                    c = true;
                    if (chunks.size() < 5) chunks.add(id);
                }
            }
            for (String id : q.goldDocIds()) {
                if (!docIds.contains(id)) {
                    d = true;
                    if (docs.size() < 5) docs.add(id);
                }
            }
            if (c) chunkQuestions++;
            if (d) docQuestions++;
        }
        List<String> out = new ArrayList<>();
        if (chunkQuestions > 0) {
            out.add(chunkQuestions + " question(s) name gold chunk ids that are not in the collection, e.g. "
                    + String.join(", ", chunks) + " (chunk ids look like <doc id>#<n>; check the collection was built "
                    + "from the same documents and chunk size)");
        }
        if (docQuestions > 0) {
            out.add(docQuestions + " question(s) name gold doc ids that are not in the collection, e.g. "
                    + String.join(", ", docs) + " (for SQuAD, ingest the corpus written by 'ragtune squad2jsonl')");
        }
        return out;
    }

    /**
     * Answers every question with every configuration, appending to {@code resultsFile}.
     *
     * @param resume false: the file must not exist yet; true: pairs already in it are skipped
     */
    public Run run(List<EvalQuestion> questions, Path resultsFile, boolean resume, Listener listener) throws IOException {
        Objects.requireNonNull(questions, "questions");
        Listener l = listener == null ? new Listener() {} : listener;
        Path dir = resultsFile.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path lockFile = dir.resolve("." + resultsFile.getFileName() + ".lock");
        try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = tryLock(lockChannel, resultsFile)) {
            return runLocked(questions, resultsFile, resume, l);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path resultsFile) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IllegalStateException("another evaluation is writing " + resultsFile + ": wait for it to finish "
                    + "(or stop it) before resuming, or choose another --out folder");
        }
        return lock;
    }

    private Run runLocked(List<EvalQuestion> questions, Path resultsFile, boolean resume, Listener l) throws IOException {
        Map<String, QuestionResult> done = new HashMap<>();
        if (Files.exists(resultsFile)) {
            if (!resume) {
                throw new IllegalArgumentException(resultsFile + " already exists: pass --resume to continue that run, "
                        + "or choose another --out folder");
            }
            for (QuestionResult r : readResults(resultsFile, l)) done.put(key(r.questionId(), r.config()), r);
        }
        int todo = 0;
        for (EvalQuestion q : questions) {
            for (Config c : configs) if (!done.containsKey(key(q.id(), c.name()))) todo++;
        }
        int resumed = questions.size() * configs.size() - todo;
        List<QuestionResult> results = new ArrayList<>();
        int answered = 0;
        try (FileChannel out = FileChannel.open(resultsFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int from = 0; from < questions.size(); from += RETRIEVAL_BLOCK) {
                List<EvalQuestion> block = questions.subList(from, Math.min(questions.size(), from + RETRIEVAL_BLOCK));
                Map<String, SearchResult> retrieved = retrieveBlock(block, done);
                for (EvalQuestion q : block) {
                    for (Config c : configs) {
                        QuestionResult r = done.get(key(q.id(), c.name()));
                        if (r == null) {
                            r = answer(q, c, retrieved.get(key(q.id(), c.name())));
                            String json = JSON.writeValueAsString(r.toJson()) + "\n";
                            ByteBuffer buf = ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8));
                            while (buf.hasRemaining()) out.write(buf);
                            out.force(false);
                            answered++;
                            l.progress(answered, todo, r);
                        }
                        results.add(r);
                    }
                }
            }
        }
        return new Run(results, resumed, answered);
    }

    /** Questions whose retrieval runs as one batch ({@link AskPipeline#retrieveAll}) before they are answered. */
    static final int RETRIEVAL_BLOCK = 64;

    /**
     * The passages of every question of a block not yet answered, per retrieving configuration, as one batch each
     * (key: question id and configuration). A configuration whose batch fails is left out: its questions then
     * retrieve one by one and record their own error.
     */
    private Map<String, SearchResult> retrieveBlock(List<EvalQuestion> block, Map<String, QuestionResult> done) {
        Map<String, SearchResult> out = new HashMap<>();
        for (Config c : configs) {
            if (c.options().noRag()) continue;
            List<EvalQuestion> todo = new ArrayList<>();
            for (EvalQuestion q : block) {
                if (!done.containsKey(key(q.id(), c.name())) && !q.question().isBlank()) todo.add(q);
            }
            if (todo.isEmpty()) continue;
            List<String> texts = new ArrayList<>(todo.size());
            for (EvalQuestion q : todo) texts.add(q.question());
            List<SearchResult> found;
            try {
                found = c.pipeline().retrieveAll(texts, c.options());
            } catch (RuntimeException e) {
                continue;
            }
            for (int i = 0; i < todo.size(); i++) out.put(key(todo.get(i).id(), c.name()), found.get(i));
        }
        return out;
    }

    /** Answers one question with one configuration and scores it. */
    static QuestionResult answer(EvalQuestion q, Config c) {
        return answer(q, c, null);
    }

    /** Answers one question with one configuration from passages already retrieved (null: retrieves now). */
    static QuestionResult answer(EvalQuestion q, Config c, SearchResult passages) {
        Answer a;
        try {
            a = c.pipeline().ask(q.question(), c.options(), null, passages);
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            return new QuestionResult(q.id(), c.name(), q.question(), q.answers(), "", 0, 0, 0, 0, List.of(),
                    null, List.of(), new Answer.Timings(0, 0, 0, 0, 0, 0), List.of(), msg);
        }
        List<String> retrieved = new ArrayList<>();
        Integer goldRank = null;
        if (!c.options().noRag() && q.hasGold()) goldRank = 0;
        Map<String, String> texts = new HashMap<>();
        for (int i = 0; i < a.contexts().size(); i++) {
            Context ctx = a.contexts().get(i);
            retrieved.add(ctx.hit().chunk().id());
            texts.put(ctx.hit().chunk().id(), ctx.hit().chunk().text());
            if (goldRank != null && goldRank == 0 && q.isGold(ctx.hit().chunk().id(), ctx.hit().chunk().docId())) {
                goldRank = i + 1;
            }
        }
        List<QuestionResult.Cited> cited = new ArrayList<>();
        for (Citation cit : a.citations()) {
            String text = texts.getOrDefault(cit.chunkId(), "");
            cited.add(new QuestionResult.Cited(cit.n(), cit.chunkId(), cit.source(), cit.page(),
                    AnswerMetrics.containsAnswer(text, q.answers(), AnswerMetrics.Variant.SQUAD)));
        }
        return new QuestionResult(q.id(), c.name(), q.question(), q.answers(), a.text(),
                AnswerMetrics.exactMatch(a.text(), q.answers(), AnswerMetrics.Variant.SQUAD),
                AnswerMetrics.f1(a.text(), q.answers(), AnswerMetrics.Variant.SQUAD),
                AnswerMetrics.exactMatch(a.text(), q.answers(), AnswerMetrics.Variant.PORTUGUESE),
                AnswerMetrics.f1(a.text(), q.answers(), AnswerMetrics.Variant.PORTUGUESE),
                retrieved, goldRank, cited, a.timings(), a.warnings(), null, a.mode(),
                QuestionResult.containsGold(a.text(), q.answers()));
    }

    /**
     * Reads the results of an earlier run. Unreadable lines (a torn last line) are dropped with a warning and the file
     * is rewritten without them, atomically, so appending continues on a clean line.
     */
    static List<QuestionResult> readResults(Path file, Listener l) throws IOException {
        List<QuestionResult> out = new ArrayList<>();
        StringBuilder kept = new StringBuilder();
        boolean dirty = false;
        String content = Files.readString(file, StandardCharsets.UTF_8);
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            boolean last = i == lines.length - 1;
            if (line.isBlank()) {
                if (!last) dirty = true;
                continue;
            }
            try {
                if (last) throw new IllegalArgumentException("no end of line (the run stopped while writing it)");
                out.add(QuestionResult.fromJson(JSON.readTree(line)));
                kept.append(line).append('\n');
            } catch (IOException | IllegalArgumentException e) {
                dirty = true;
                l.warning(file + " line " + (i + 1) + " is unreadable (" + e.getMessage() + "); that answer is redone");
            }
        }
        if (dirty) AtomicFile.writeText(file, kept.toString());
        return out;
    }

    /** The configurations in report order. */
    public List<String> configNames() {
        List<String> out = new ArrayList<>();
        for (Config c : configs) out.add(c.name());
        return out;
    }

    private static String key(String questionId, String config) {
        return config + "\u0000" + questionId;
    }
}
