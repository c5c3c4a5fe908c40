package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionCheck;
import dev.ragtune.rag.collection.CollectionException;
import dev.ragtune.rag.collection.CollectionSettings;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.CrashPoint;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The fault soak behind docs/RELIABILITY.md: a collection is damaged on purpose, over and over, and every outcome is
 * classified. Writers are killed (a child JVM running {@code ragtune ingest}) at each commit stage and after random
 * delays; random bits are flipped and files truncated in each kind of file. The one number that must stay 0 is
 * "silently wrong": answers that differ from the undamaged collection's while neither a search nor
 * {@code ragtune check --deep} says anything.
 */
@Command(name = "faults", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fault-injection soak: kill writers at each commit stage and at random times, flip bits and "
                + "truncate each kind of file; print detected / recovered / silently wrong.")
public final class FaultBench implements Callable<Integer> {
    static final List<String> QUERIES = List.of("What does LoRA freeze?", "Como reduzir overfitting?",
            "função de ativação ReLU", "dados pessoais sensíveis", "adapter rank and alpha", "taxa de aprendizado",
            "tratamento de dados pelo poder público", "PEFT configuration");
    static final List<String> KINDS = List.of("manifest", "chunks", "vectors", "sources", "dense", "bm25");

    @Spec CommandSpec spec;

    @Option(names = "--trials", paramLabel = "N", defaultValue = "20",
            description = "Bit flips and truncations per kind of file.")
    int trials;

    @Option(names = "--kills", paramLabel = "N", defaultValue = "5",
            description = "Writers killed after a random delay (besides one kill at each commit stage).")
    int kills;

    @Option(names = "--docs", paramLabel = "DIR", defaultValue = "docs/demo",
            description = "Documents of the collection; the last file (by name) is what the killed writers ingest.")
    Path docs;

    @Option(names = "--index", defaultValue = "flat", description = "Dense index kind: flat, ivf or hnsw.")
    String index;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the random positions, bits and delays.")
    long seed;

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch folder (default: a temp folder, deleted after).")
    Path work;

    @Option(names = "--json", description = "Print the tables as one JSON object.")
    boolean json;

    /** Outcome counts of one row. */
    static final class Row {
        final String fault;
        int trials;
        final Map<String, Integer> counts = new LinkedHashMap<>();

        Row(String fault, List<String> columns) {
            this.fault = fault;
            for (String c : columns) counts.put(c, 0);
        }

        /** One trial and what came of it (a detection outcome and a recovery outcome, say). */
        void count(List<String> outcomes) {
            trials++;
            for (String o : outcomes) counts.merge(o, 1, Integer::sum);
        }
    }

    /** Detection (one of the first four) and recovery (one of the last three, when detected). */
    static final List<String> DAMAGE_OUTCOMES = List.of("detected on open/search", "detected by check --deep",
            "of which answers changed before the check", "harmless", "silently wrong", "recovered by --reindex",
            "reported for re-ingest", "repair failed");
    static final List<String> KILL_OUTCOMES = List.of("opens intact, check clean", "recovered by next ingest",
            "silently wrong");

    @Override
    public Integer call() throws Exception {
        if (trials < 0 || kills < 0) throw new IllegalArgumentException("--trials and --kills must be >= 0");
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> files = documents();
        if (files.size() < 2) throw new IllegalArgumentException("--docs " + docs + " needs at least 2 documents");
        Path extra = files.get(files.size() - 1);
        List<Path> base = files.subList(0, files.size() - 1);
        boolean ownWork = work == null;
        Path dir = ownWork ? Files.createTempDirectory("ragtune-faults") : Files.createDirectories(work);
        long t0 = System.nanoTime();
        String loadBefore = Machine.loadavg();
        Random random = new Random(seed);
        List<Row> damage = new ArrayList<>();
        List<Row> killRows = new ArrayList<>();
        try (Embedder embedder = OnnxEmbedder.allMiniLmL6V2()) {
            Path pristine = dir.resolve("pristine");
            ingest(pristine, embedder, base);
            List<String> before = answers(pristine, embedder);
            Path full = dir.resolve("full");
            copy(pristine, full);
            long childMillis = childIngest(full, extra, null);
            List<String> after = answers(full, embedder);
            err.printf("collection of %d file(s); a child ingest of %s takes %d ms%n", base.size(), extra.getFileName(),
                    childMillis);

            for (String stage : CrashPoint.ALL) {
                Row row = new Row("kill at " + stage, KILL_OUTCOMES);
                row.count(killTrial(dir.resolve("kill"), pristine, extra, stage, 0, embedder, after));
                killRows.add(row);
                err.println("  " + row.fault + ": " + row.counts);
            }
            Row randomKills = new Row("kill after a random delay", KILL_OUTCOMES);
            for (int i = 0; i < kills; i++) {
                long delay = (long) (random.nextDouble() * childMillis);
                randomKills.count(killTrial(dir.resolve("kill"), pristine, extra, null, delay, embedder, after));
            }
            killRows.add(randomKills);
            err.println("  " + randomKills.fault + ": " + randomKills.counts);

            Manifest manifest;
            try (Collection c = Collection.open(pristine)) {
                manifest = c.manifest();
            }
            for (boolean truncate : new boolean[] {false, true}) {
                for (String kind : KINDS) {
                    List<String> candidates = filesOfKind(manifest, kind);
                    Row row = new Row((truncate ? "truncate " : "flip a bit in ") + kind, DAMAGE_OUTCOMES);
                    for (int i = 0; i < trials; i++) {
                        String name = candidates.get(random.nextInt(candidates.size()));
                        row.count(damageTrial(dir.resolve("damage"), pristine, name, truncate, random, embedder, before));
                    }
                    damage.add(row);
                    err.println("  " + row.fault + ": " + row.counts);
                }
            }
        } finally {
            if (ownWork) deleteRecursively(dir);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int silentlyWrong = 0;
        for (Row r : damage) silentlyWrong += r.counts.get("silently wrong") + r.counts.get("repair failed");
        for (Row r : killRows) silentlyWrong += r.counts.get("silently wrong");
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode j = m.createObjectNode();
            j.put("date", Instant.now().toString());
            j.put("load_before", loadBefore);
            j.put("seconds", seconds);
            j.put("index", index);
            j.put("silently_wrong", silentlyWrong);
            j.set("kills", rowsJson(m, killRows));
            j.set("damage", rowsJson(m, damage));
            out.println(j);
        } else {
            out.printf("ragtune bench faults --trials %d --kills %d --index %s --seed %d   (%s, load before %s, %.0f s)%n%n",
                    trials, kills, index, seed, Instant.now(), loadBefore, seconds);
            table(out, killRows, KILL_OUTCOMES);
            out.println();
            table(out, damage, DAMAGE_OUTCOMES);
            out.printf("%nsilently wrong (or a repair that did not restore the answers): %d%n", silentlyWrong);
        }
        out.flush();
        return silentlyWrong == 0 ? 0 : 1;
    }

    private static ArrayNode rowsJson(ObjectMapper m, List<Row> rows) {
        ArrayNode a = m.createArrayNode();
        for (Row r : rows) {
            ObjectNode n = a.addObject();
            n.put("fault", r.fault);
            n.put("trials", r.trials);
            r.counts.forEach(n::put);
        }
        return a;
    }

    private static void table(PrintWriter out, List<Row> rows, List<String> columns) {
        out.print("| fault | trials |");
        for (String c : columns) out.print(" " + c + " |");
        out.println();
        out.print("|---|---:|");
        for (int i = 0; i < columns.size(); i++) out.print("---:|");
        out.println();
        for (Row r : rows) {
            out.print("| " + r.fault + " | " + r.trials + " |");
            for (String c : columns) out.print(" " + r.counts.get(c) + " |");
            out.println();
        }
    }

    private List<Path> documents() throws IOException {
        if (!Files.isDirectory(docs)) {
            throw new IllegalArgumentException("--docs " + docs + " is not a folder; run from the repository root or "
                    + "pass --docs DIR");
        }
        try (Stream<Path> s = Files.list(docs)) {
            return s.filter(Files::isRegularFile)
                    .filter(dev.ragtune.rag.document.DocumentReaders::isSupported)
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted().toList();
        }
    }

    private CollectionSettings settings() {
        return new CollectionSettings(new Manifest.IndexInfo(index, Map.of()), false, null, "auto");
    }

    private void ingest(Path dir, Embedder embedder, List<Path> files) {
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, settings())) {
            Ingestion.Report r = new Ingestion(w, embedder, null).run(files);
            if (r.failed() > 0) throw new IllegalStateException(r.failed() + " file(s) of " + docs + " failed to ingest");
            w.commit();
        }
    }

    /** Every mode's top 5 for every query, ids and scores: what a user would be shown. */
    static List<String> answers(Path dir, Embedder embedder) {
        List<String> out = new ArrayList<>();
        try (Collection c = Collection.open(dir)) {
            for (String q : QUERIES) {
                for (RetrievalMode mode : RetrievalMode.values()) {
                    for (Hit h : c.search(q, mode, 5, 20, SearchParams.DEFAULTS, embedder).hits()) {
                        out.add(mode + " | " + q + " | " + h.chunk().id() + " | "
                                + String.format(Locale.ROOT, "%.5f", h.score()));
                    }
                }
            }
        }
        return out;
    }

    /** Runs {@code ragtune ingest} in a child JVM; returns its wall time (ms). Kills it after {@code killAfter} ms if > 0. */
    private long childIngest(Path dir, Path file, String crashAt, long killAfter) throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(javaBin));
        if (crashAt != null) cmd.add("-D" + CrashPoint.PROPERTY + "=" + crashAt);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.ragtune.app.Main", "ingest",
                "--collection", dir.toString(), "--commit-every-chunks", "16", file.toString()));
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (killAfter > 0 && !p.waitFor(killAfter, TimeUnit.MILLISECONDS)) p.destroyForcibly();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("the child ingest did not finish in 10 minutes");
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private long childIngest(Path dir, Path file, String crashAt) throws IOException, InterruptedException {
        return childIngest(dir, file, crashAt, 0);
    }

    private List<String> killTrial(Path dir, Path pristine, Path extra, String stage, long delay, Embedder embedder,
                                   List<String> after) throws IOException, InterruptedException {
        deleteRecursively(dir);
        copy(pristine, dir);
        childIngest(dir, extra, stage, delay);
        List<String> outcomes = new ArrayList<>();
        try {
            answers(dir, embedder);
            if (!CollectionCheck.run(dir, true, 50).ok()) return List.of("silently wrong");
            outcomes.add("opens intact, check clean");
        } catch (CollectionException e) {
            return List.of("silently wrong"); // a kill must never leave a collection that does not open
        }
        ingest(dir, embedder, List.of(extra));
        boolean leftovers;
        try (Stream<Path> s = Files.list(dir)) {
            leftovers = s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp"));
        }
        boolean recovered = answers(dir, embedder).equals(after) && !leftovers && CollectionCheck.run(dir, true, 50).ok();
        outcomes.add(recovered ? "recovered by next ingest" : "silently wrong");
        return outcomes;
    }

    private List<String> damageTrial(Path dir, Path pristine, String name, boolean truncate, Random random,
                               Embedder embedder, List<String> before) throws IOException {
        deleteRecursively(dir);
        copy(pristine, dir);
        Path file = dir.resolve(name);
        long size = Files.size(file);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (truncate) {
                f.setLength((long) (random.nextDouble() * size));
            } else {
                long at = (long) (random.nextDouble() * size);
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ (1 << random.nextInt(8)));
            }
        }
        boolean onUse = false;
        List<String> seen = null;
        try {
            seen = answers(dir, embedder);
        } catch (CollectionException e) {
            onUse = true;
        }
        boolean byCheck = !CollectionCheck.run(dir, true, 50).ok();
        if (!onUse && !byCheck) return List.of(seen.equals(before) ? "harmless" : "silently wrong");
        List<String> outcomes = new ArrayList<>();
        outcomes.add(onUse ? "detected on open/search" : "detected by check --deep");
        if (!onUse && !seen.equals(before)) outcomes.add("of which answers changed before the check");
        try (CollectionWriter w = CollectionWriter.openForRepair(dir, embedder, settings())) {
            w.commit();
        } catch (CollectionException e) {
            outcomes.add("reported for re-ingest"); // chunks, vectors, sources or manifest: by design
            return outcomes;
        }
        boolean restored = false;
        try {
            restored = answers(dir, embedder).equals(before) && CollectionCheck.run(dir, true, 50).ok();
        } catch (CollectionException e) {
            // the repair went through but the result does not open
        }
        outcomes.add(restored ? "recovered by --reindex" : "repair failed");
        return outcomes;
    }

    private static List<String> filesOfKind(Manifest m, String kind) {
        if (kind.equals("manifest")) return List.of("manifest.json");
        List<String> out = m.files().keySet().stream().filter(n -> n.startsWith(kind + ".")).sorted().toList();
        if (out.isEmpty()) throw new IllegalStateException("the manifest lists no " + kind + " file");
        return out;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else if (!p.getFileName().toString().equals(".lock")) Files.copy(p, target);
            }
        }
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
