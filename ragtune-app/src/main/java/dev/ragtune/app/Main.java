package dev.ragtune.app;

import dev.ragtune.app.bench.BenchCommand;
import dev.ragtune.app.cli.AskCommand;
import dev.ragtune.app.cli.CheckCommand;
import dev.ragtune.app.cli.DemoCommand;
import dev.ragtune.app.cli.EvalCommand;
import dev.ragtune.app.cli.GenerateCommand;
import dev.ragtune.app.cli.MergeCommand;
import dev.ragtune.app.cli.Squad2JsonlCommand;
import dev.ragtune.app.cli.TrainCommand;
import dev.ragtune.app.cli.ModelCommand;
import dev.ragtune.app.cli.InfoCommand;
import dev.ragtune.app.cli.IngestCommand;
import dev.ragtune.app.cli.RmCommand;
import dev.ragtune.app.cli.SearchCommand;
import dev.ragtune.app.cli.ServeCommand;
import dev.ragtune.app.cli.UserErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ragtune} command line. */
@Command(name = "ragtune", mixinStandardHelpOptions = true, version = "ragtune 0.1.0",
        description = "Fine-tune FLAN-T5 with LoRA and answer questions over your documents (RAG), on the JVM.",
        subcommands = {DemoCommand.class, IngestCommand.class, SearchCommand.class, AskCommand.class, EvalCommand.class,
                GenerateCommand.class, TrainCommand.class, MergeCommand.class, ModelCommand.class, ServeCommand.class,
                RmCommand.class, InfoCommand.class, CheckCommand.class, Squad2JsonlCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Lucene announces its vectorization and mmap choices at INFO on every start: keep the CLI's output clean.
        java.util.logging.Logger lucene = java.util.logging.Logger.getLogger("org.apache.lucene");
        lucene.setLevel(java.util.logging.Level.WARNING);
        int rc = commandLine().execute(args);
        System.exit(rc);
    }

    /** The configured command line: user errors print one clear line (no stack trace) and exit 1. */
    public static CommandLine commandLine() {
        return UserErrors.install(new CommandLine(new Main()));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
