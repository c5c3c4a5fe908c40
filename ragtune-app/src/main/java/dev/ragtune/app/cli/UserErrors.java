package dev.ragtune.app.cli;

import dev.ragtune.model.data.DatasetFormatException;
import dev.ragtune.model.io.SafetensorsFormatException;
import dev.ragtune.model.lora.AdapterException;
import dev.ragtune.model.t5.UnsupportedModelException;
import dev.ragtune.rag.corpus.CorpusException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Prints a user's mistake (bad file, missing collection, wrong option value) as one clear line and exits 1, instead
 * of a stack trace; real bugs still surface with their trace. A command line picocli cannot parse (unknown option,
 * a value of the wrong type) is one line too, with where to read the usage, and exits 2.
 */
public final class UserErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult)
            throws Exception {
        if (e instanceof CorpusException || e instanceof IllegalArgumentException || e instanceof IOException
                || e instanceof IllegalStateException || e instanceof UncheckedIOException
                || e instanceof AdapterException || e instanceof UnsupportedModelException
                || e instanceof SafetensorsFormatException || e instanceof DatasetFormatException) {
            commandLine.getErr().println("ragtune " + commandLine.getCommandName() + ": " + message(e));
            commandLine.getErr().flush();
            return 1;
        }
        throw e;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("ragtune " + cl.getCommandName() + ": " + e.getMessage() + " (see 'ragtune "
                + cl.getCommandSpec().qualifiedName(" ").replaceFirst("^\\S+\\s*", "") + " --help')");
        cl.getErr().flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** The one line for {@code e}: I/O exceptions whose own message is only a path get said what happened to it. */
    static String message(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        if (t instanceof NoSuchFileException f) return "no such file: " + f.getFile() + " (check the path)";
        if (t instanceof AccessDeniedException f) return "cannot read " + f.getFile() + ": permission denied";
        if (t instanceof CharacterCodingException) {
            return "an input file is not UTF-8 text (" + t.getClass().getSimpleName() + ": " + t.getMessage() + ")";
        }
        return t.getMessage();
    }

    /** {@code cl} with this handler on it and its subcommands. */
    public static CommandLine install(CommandLine cl) {
        UserErrors handler = new UserErrors();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        return cl;
    }
}
