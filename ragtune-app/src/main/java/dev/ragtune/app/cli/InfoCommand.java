package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SourceEntry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ragtune info}: the manifest of a collection and the files in it. */
@Command(name = "info", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Show a collection's manifest (embedder, index, counts) and its ingested files.")
public final class InfoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR|URI", description = "Collection folder or SolrCloud URI.")
    String collection;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Retriever c = Corpora.open(collection)) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(c.about()));
            for (SourceEntry s : c.sources()) {
                out.printf("%6d chunks  %10d bytes  %s%s%n", s.ordinals().size(), s.bytes(), s.source(),
                        s.partial() ? "  (partly ingested: ingest it again to finish it)" : "");
            }
        }
        out.flush();
        return 0;
    }
}
