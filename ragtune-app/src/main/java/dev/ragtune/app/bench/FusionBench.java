package dev.ragtune.app.bench;

import dev.ragtune.app.cli.Progress;
import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import dev.ragtune.rag.eval.AnswerMetrics;
import dev.ragtune.rag.eval.EvalQuestion;
import dev.ragtune.rag.eval.QuestionFile;
import dev.ragtune.rag.index.Neighbor;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Retrieval quality of hybrid fusions side by side on one collection and its questions: each question is embedded
 * and searched once (dense and BM25, {@link HybridFusion#candidatesFor} deep each), and every fusion of the grid
 * ranks the same two lists. A retrieved chunk is relevant when it is one of the question's gold chunks/documents,
 * or, for questions without gold ids (e.g. hand-written ones on PDFs), when it contains a gold answer (normalised).
 * Reports hit@1, hit@5, MRR@10 and nDCG@10 (binary gain, one relevant item: 1 / log2(1 + first relevant rank)).
 */
@Command(name = "fusion", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "hit@1, hit@5, MRR@10 and nDCG@10 of hybrid fusions (convex:W, rrf:K) on one collection.")
public final class FusionBench implements Callable<Integer> {
    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "An ingested collection.")
    Path collection;

    @Option(names = "--questions", required = true, paramLabel = "FILE",
            description = "Questions (JSONL or SQuAD .json) with gold ids or answers.")
    Path questions;

    @Option(names = "-n", defaultValue = "1000", description = "At most this many questions (evenly spaced).")
    int n;

    @Option(names = "--grid", split = ",", paramLabel = "FUSION",
            defaultValue = "convex:0.0,convex:0.1,convex:0.2,convex:0.3,convex:0.4,convex:0.5,convex:0.6,convex:0.7,"
                    + "convex:0.8,convex:0.9,convex:1.0,rrf:10,rrf:30,rrf:60,rrf:100",
            description = "Fusions to compare.")
    List<String> grid;

    @Option(names = "--name", defaultValue = "set", description = "Name of the set in the printed table.")
    String name;

    @Override
    public Integer call() throws Exception {
        List<HybridFusion> fusions = new ArrayList<>();
        for (String g : grid) fusions.add(HybridFusion.parse(g)); // fail before any work
        QuestionFile.Loaded loaded = QuestionFile.read(questions);
        List<EvalQuestion> all = loaded.questions();
        List<EvalQuestion> qs = new ArrayList<>();
        int take = Math.min(n, all.size());
        for (int i = 0; i < take; i++) qs.add(all.get((int) ((long) i * all.size() / take)));
        System.out.printf(Locale.ROOT, "fusion bench: %s, %d questions of %d, collection %s%n", name, qs.size(),
                all.size(), collection);
        System.out.println("load before: " + Machine.loadavg());
        int depth = HybridFusion.candidatesFor(10);
        double[][] sums = new double[fusions.size()][4];
        try (Collection c = Collection.open(collection); Embedder embedder = OnnxEmbedder.allMiniLmL6V2()) {
            c.requireEmbedder(embedder);
            Progress progress = new Progress(System.err, "questions");
            int done = 0;
            for (EvalQuestion q : qs) {
                float[] qv = embedder.embed(q.question());
                List<Neighbor> dense = neighbors(c.search(q.question(), RetrievalMode.DENSE, depth, depth,
                        SearchParams.DEFAULTS, embedder).hits());
                List<Neighbor> bm25 = neighbors(c.search(q.question(), RetrievalMode.BM25, depth, depth,
                        SearchParams.DEFAULTS, null).hits());
                for (int f = 0; f < fusions.size(); f++) {
                    List<Neighbor> top = fusions.get(f).fuse(dense, bm25, 10, id -> HybridFusion.denseScore(qv, c.vector(id)));
                    int first = 0;
                    for (int r = 0; r < top.size() && first == 0; r++) {
                        if (relevant(q, c.chunk(top.get(r).id()).chunk())) first = r + 1;
                    }
                    if (first == 1) sums[f][0]++;
                    if (first >= 1 && first <= 5) sums[f][1]++;
                    if (first >= 1) {
                        sums[f][2] += 1.0 / first;
                        sums[f][3] += 1.0 / (Math.log(1 + first) / Math.log(2));
                    }
                }
                progress.update(++done, (double) done / qs.size(), "");
            }
            progress.finish(done, "");
        }
        System.out.println("load after: " + Machine.loadavg());
        System.out.println("| set | fusion | questions | hit@1 | hit@5 | MRR@10 | nDCG@10 |\n|---|---|---|---|---|---|---|");
        for (int f = 0; f < fusions.size(); f++) {
            double m = qs.size();
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %.3f |%n", name, fusions.get(f).label(),
                    qs.size(), sums[f][0] / m, sums[f][1] / m, sums[f][2] / m, sums[f][3] / m);
        }
        return 0;
    }

    static boolean relevant(EvalQuestion q, Chunk chunk) {
        if (q.hasGold()) return q.isGold(chunk.id(), chunk.docId());
        return AnswerMetrics.containsAnswer(chunk.text(), q.answers(), AnswerMetrics.Variant.PORTUGUESE);
    }

    private static List<Neighbor> neighbors(List<Hit> hits) {
        List<Neighbor> out = new ArrayList<>(hits.size());
        for (Hit h : hits) out.add(new Neighbor(h.ordinal(), h.score()));
        return out;
    }
}
