package dev.ragtune.app.cli;

import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * How a query is matched ({@code --mode}, {@code --fusion}) and the approximate indexes' query knobs, shared by
 * search, ask and eval.
 */
public final class RetrievalOptions {
    @Option(names = "--mode", defaultValue = "hybrid", description = "dense, bm25 or hybrid.")
    String mode;

    @Option(names = "--fusion", paramLabel = "convex:W|rrf:K", defaultValue = "convex:0.5",
            description = "How hybrid mode fuses dense and BM25: convex:W = W·cosine + (1−W)·BM25/max(BM25), W in "
                    + "[0, 1] (1 = dense only); rrf:K = reciprocal rank fusion, sum of 1/(K + rank).")
    String fusion;

    @Option(names = "--nprobe", defaultValue = "0", description = "IVF: lists to scan (0 = the index's default).")
    int nprobe;

    @Option(names = "--ef", defaultValue = "0", description = "HNSW: beam width at query time (0 = the index's default).")
    int ef;

    @Option(names = "--source", paramLabel = "FILE",
            description = "Only chunks of this ingested file (its path or file name); repeat for several.")
    List<String> sources = new ArrayList<>();

    @Option(names = "--doc", paramLabel = "ID", description = "Only chunks of this document id; repeat for several.")
    List<String> docs = new ArrayList<>();

    @Option(names = "--lang", paramLabel = "LANG", description = "Only chunks in this language (en, pt); repeat for several.")
    List<String> languages = new ArrayList<>();

    /** The filter of --source/--doc/--lang (none given: every chunk). */
    public HitFilter filter(CommandSpec spec) {
        try {
            return new HitFilter(new HashSet<>(sources), new HashSet<>(docs),
                    new HashSet<>(languages));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The mode; an unknown one is a usage error of {@code spec}'s command. */
    public RetrievalMode mode(CommandSpec spec) {
        try {
            return RetrievalMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** The fusion; a malformed one is a usage error of {@code spec}'s command. */
    public HybridFusion fusion(CommandSpec spec) {
        try {
            return HybridFusion.parse(fusion);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--fusion: " + e.getMessage());
        }
    }

    public SearchParams params(CommandSpec spec) {
        try {
            return new SearchParams(nprobe, ef);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
