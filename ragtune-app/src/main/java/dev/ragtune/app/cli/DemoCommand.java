package dev.ragtune.app.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ragtune demo}: the main job on bundled documents — ingest {@code docs/demo} (the lecture's four sentences,
 * a Portuguese law as PDF, an English Markdown page) and answer an English and a Portuguese question from them with
 * sources, the evidence sentence and timings.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Ingest the bundled documents (docs/demo) and answer a question from them, with citations and timings.")
public final class DemoCommand implements Callable<Integer> {
    /** Answered from the PEFT quick tour ("… create a PeftModel with the get_peft_model function."). */
    static final String ENGLISH = "Which function creates a PeftModel?";
    /** Answered from the LGPD, art. 65 ("Esta Lei entra em vigor após decorridos 18 (dezoito) meses …"). */
    static final String PORTUGUESE = "Quando a LGPD entra em vigor?";

    @Spec CommandSpec spec;

    @Option(names = "--collection", paramLabel = "DIR", description = "Where to build the demo collection (default: .ragtune/demo in the ragtune folder).")
    Path collection;

    @Option(names = "--question", paramLabel = "TEXT",
            description = "A question to ask (repeatable; default: \"" + ENGLISH + "\" and \"" + PORTUGUESE + "\").")
    List<String> questions;

    @Override
    public Integer call() {
        Path home = home();
        Path docs = home.resolve("docs/demo");
        if (!Files.isDirectory(docs)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "bundled documents not found at " + docs
                    + "; run the demo from a ragtune checkout");
        }
        Path dir = collection != null ? collection : home.resolve(".ragtune/demo");
        PrintWriter out = spec.commandLine().getOut();
        out.println("== 1. ingest " + docs + " into " + dir);
        out.flush();
        List<String> ingest = new ArrayList<>(List.of("--collection", dir.toString()));
        for (String f : List.of("aula-redes-neurais.jsonl", "lgpd-lei-13709-2018.pdf", "peft-quicktour.md")) {
            ingest.add(docs.resolve(f).toString());
        }
        int rc = sub(new IngestCommand()).execute(ingest.toArray(String[]::new));
        if (rc != 0) return rc;
        out.println();
        List<String> asked = questions == null || questions.isEmpty() ? List.of(ENGLISH, PORTUGUESE) : questions;
        for (int i = 0; i < asked.size(); i++) {
            out.println();
            out.println("== " + (i + 2) + ". ask (hybrid retrieval: MiniLM cosine + BM25; extractive answer, no generator "
                    + "model needed)");
            out.flush();
            rc = sub(new AskCommand()).execute("--collection", dir.toString(), asked.get(i));
            if (rc != 0) return rc;
        }
        return 0;
    }

    private CommandLine sub(Object command) {
        CommandLine cl = UserErrors.install(new CommandLine(command));
        cl.setOut(spec.commandLine().getOut());
        cl.setErr(spec.commandLine().getErr());
        return cl;
    }

    /** The ragtune checkout: {@code -Dragtune.home}, else three levels above the CLI jar, else the working folder. */
    static Path home() {
        String prop = System.getProperty("ragtune.home");
        if (prop != null) return Path.of(prop);
        try {
            Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path root = jar.getParent() == null ? null : jar.getParent().getParent();
            if (root != null) root = root.getParent();
            if (root != null && Files.isDirectory(root.resolve("docs/demo"))) return root;
        } catch (URISyntaxException | RuntimeException e) {
            // fall through to the working folder
        }
        return Path.of("").toAbsolutePath();
    }
}
