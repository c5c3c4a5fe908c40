package dev.ragtune.app.cli;

import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.retrieve.RetrievalMode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** How a query is matched ({@code --mode}) and the approximate indexes' query knobs, shared by search and ask. */
public final class RetrievalOptions {
    @Option(names = "--mode", defaultValue = "hybrid", description = "dense, bm25 or hybrid.")
    String mode;

    @Option(names = "--nprobe", defaultValue = "0", description = "IVF: lists to scan (0 = the index's default).")
    int nprobe;

    @Option(names = "--ef", defaultValue = "0", description = "HNSW: beam width at query time (0 = the index's default).")
    int ef;

    /** The mode; an unknown one is a usage error of {@code spec}'s command. */
    public RetrievalMode mode(CommandSpec spec) {
        try {
            return RetrievalMode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
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
