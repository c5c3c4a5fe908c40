package dev.ragtune.app.cli;

import picocli.CommandLine;

/** Runs {@link TrainCommand} in a child JVM so a test can stop it with a signal. */
public final class TrainCommandMain {
    private TrainCommandMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCommand()).execute(args));
    }
}
