package dev.ragtune.app.cli;

import dev.ragtune.rag.eval.InvalidDatasetException;
import dev.ragtune.rag.eval.QuestionFile;
import dev.ragtune.rag.eval.SquadDataset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code ragtune squad2jsonl}: a SQuAD v1.1 file as a corpus to ingest and a question file for {@code ragtune eval}
 * (the open-book setting: the set's own paragraphs are the collection).
 */
@Command(name = "squad2jsonl", mixinStandardHelpOptions = true,
        description = {"Convert a SQuAD v1.1 JSON file (or FaQuAD) into OUT/corpus.jsonl (one document per paragraph, "
                + "id <title>#<i>) and OUT/questions.jsonl (id, question, answers, gold_doc_ids).",
                "Then: ragtune ingest --collection DIR OUT/corpus.jsonl && ragtune eval --collection DIR "
                        + "--questions OUT/questions.jsonl --out REPORT"})
public final class Squad2JsonlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SQUAD_JSON", description = "SQuAD v1.1-format file.")
    Path squad;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for corpus.jsonl and questions.jsonl.")
    Path out;

    @Override
    public Integer call() throws IOException {
        SquadDataset set;
        try {
            set = SquadDataset.read(squad);
        } catch (InvalidDatasetException | java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(e instanceof InvalidDatasetException ? e.getMessage()
                    : squad + " does not exist", e);
        }
        String name = squad.getFileName().toString().replaceFirst("\\.json$", "");
        QuestionFile.writeSquadCorpus(set, name, out.resolve("corpus.jsonl"));
        QuestionFile.Loaded questions = QuestionFile.fromSquad(set);
        QuestionFile.writeJsonl(questions.questions(), out.resolve("questions.jsonl"));
        PrintWriter w = spec.commandLine().getOut();
        w.printf("%s: %d paragraphs -> %s, %d questions -> %s%n", squad, set.paragraphs().size(),
                out.resolve("corpus.jsonl"), questions.questions().size(), out.resolve("questions.jsonl"));
        for (String p : questions.problems()) spec.commandLine().getErr().println("warning: " + p);
        w.flush();
        return 0;
    }
}
