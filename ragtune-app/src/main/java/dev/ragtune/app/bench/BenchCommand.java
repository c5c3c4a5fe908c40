package dev.ragtune.app.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ragtune bench}: the benchmarks behind docs/BENCHMARKS.md, each printing speed beside the quality it bought. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: each prints the machine load, the speed and the quality measured with it.",
        subcommands = {RetrievalBench.class, FusionBench.class, EmbedBench.class, GenerateBench.class, TrainBench.class, AskBench.class,
                ChunkBench.class, RerankBench.class, CorpusVectors.class, SolrBench.class, ServeBench.class, FaultBench.class, OpenAiBench.class,
                CommandLine.HelpCommand.class})
public final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
