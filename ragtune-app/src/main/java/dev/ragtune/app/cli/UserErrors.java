package dev.ragtune.app.cli;

import dev.ragtune.model.io.SafetensorsFormatException;
import dev.ragtune.model.lora.AdapterException;
import dev.ragtune.model.t5.UnsupportedModelException;
import dev.ragtune.rag.corpus.CorpusException;
import java.io.IOException;
import picocli.CommandLine;

/**
 * Prints a user's mistake (bad file, missing collection, wrong option value) as one clear line and exits 1, instead
 * of a stack trace; real bugs still surface with their trace.
 */
public final class UserErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof CorpusException || e instanceof IllegalArgumentException || e instanceof IOException
                || e instanceof IllegalStateException || e instanceof java.io.UncheckedIOException
                || e instanceof AdapterException || e instanceof UnsupportedModelException
                || e instanceof SafetensorsFormatException) {
            commandLine.getErr().println("ragtune " + commandLine.getCommandName() + ": " + e.getMessage());
            commandLine.getErr().flush();
            return 1;
        }
        throw e;
    }

    /** {@code cl} with this handler on it and its subcommands. */
    public static CommandLine install(CommandLine cl) {
        cl.setExecutionExceptionHandler(new UserErrors());
        return cl;
    }
}
