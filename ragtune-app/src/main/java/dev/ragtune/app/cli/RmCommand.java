package dev.ragtune.app.cli;

import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SourceEntry;
import dev.ragtune.rag.embed.Embedder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ragtune rm}: removes ingested files (or everything ingested from under a folder) and their chunks. */
@Command(name = "rm", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Remove ingested files, or all files ingested from under a folder, with their chunks.")
public final class RmCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR|URI", description = "Collection folder or SolrCloud URI.")
    String collection;

    @Mixin EmbedderOption embedderOption;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders, as given to ingest.")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Embedder opened;
        try (Retriever c = Corpora.open(collection)) {
            opened = embedderOption.openFor(c);
        }
        try (Embedder embedder = opened;
             CorpusWriter writer = Corpora.openWriter(collection, embedder, CorpusSettings.defaults())) {
            int removed = 0;
            int missing = 0;
            for (Path p : paths) {
                Path abs = p.toAbsolutePath().normalize();
                List<String> matches = writer.sources().stream().map(SourceEntry::source)
                        .filter(s -> Path.of(s).startsWith(abs)).toList();
                if (matches.isEmpty()) {
                    missing++;
                    spec.commandLine().getErr().println("not in the collection: " + p);
                }
                for (String s : matches) {
                    writer.remove(s);
                    removed++;
                    out.println("removed " + s);
                }
            }
            writer.commit();
            int documents = 0, chunks = 0;
            for (SourceEntry s : writer.sources()) {
                documents += s.docIds().size();
                chunks += s.ordinals().size();
            }
            out.printf("%d file(s) removed; collection now %d documents, %d chunks%n", removed, documents, chunks);
            return missing > 0 ? 3 : 0;
        }
    }
}
