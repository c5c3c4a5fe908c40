package dev.ragtune.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ragtune} command line. */
@Command(name = "ragtune", mixinStandardHelpOptions = true, version = "ragtune 0.1.0",
        description = "Fine-tune FLAN-T5 with LoRA and answer questions over your documents (RAG), on the JVM.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
