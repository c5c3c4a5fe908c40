package dev.ragtune.app.cli;

import dev.ragtune.rag.collection.Collection;
import dev.ragtune.rag.collection.CollectionSettings;
import dev.ragtune.rag.collection.CollectionWriter;
import dev.ragtune.rag.collection.Manifest;
import dev.ragtune.rag.collection.SourceEntry;
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

    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "Collection folder.")
    Path collection;

    @Mixin EmbedderOption embedderOption;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Files or folders, as given to ingest.")
    List<Path> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Manifest manifest;
        try (Collection c = Collection.open(collection)) {
            manifest = c.manifest();
        }
        try (Embedder embedder = embedderOption.openFor(manifest, collection);
             CollectionWriter writer = CollectionWriter.open(collection, embedder,
                     new CollectionSettings(manifest.index(), false, null, manifest.language()))) {
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
            Manifest m = writer.commit();
            out.printf("%d file(s) removed; collection now %d documents, %d chunks%n", removed, m.documents(), m.chunks());
            return missing > 0 ? 3 : 0;
        }
    }
}
