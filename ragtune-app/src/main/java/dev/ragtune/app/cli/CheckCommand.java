package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.rag.collection.CollectionCheck;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ragtune check}: verifies a collection's files, counts and indexes without changing anything. */
@Command(name = "check", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = {"Verify a collection: every file's size and CRC32C against the manifest (all bytes with --deep), "
                + "the counts across manifest, chunks, vectors, sources and indexes, and that both indexes answer for a "
                + "sample of stored chunks. Changes nothing.",
                "Exit code: 0 intact, 1 damaged (each problem is one line naming the file and the repair)."})
public final class CheckCommand implements Callable<Integer> {
    static final int DEFAULT_SAMPLE = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--collection", required = true, paramLabel = "DIR", description = "Collection folder.")
    Path collection;

    @Option(names = "--deep", description = "Read all bytes of every file (else Lucene's files get their sizes checked).")
    boolean deep;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "" + DEFAULT_SAMPLE,
            description = "Stored chunks each index must answer for.")
    int sample;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (sample < 0) throw new ParameterException(spec.commandLine(), "--sample must be >= 0, was " + sample);
        PrintWriter out = spec.commandLine().getOut();
        CollectionCheck.Report r = CollectionCheck.run(collection, deep, sample);
        if (json) {
            ObjectNode j = JSON.createObjectNode();
            j.put("collection", collection.toString());
            j.put("generation", r.generation());
            j.put("ok", r.ok());
            j.put("deep", deep);
            j.set("problems", JSON.valueToTree(r.problems()));
            j.set("notes", JSON.valueToTree(r.notes()));
            j.set("reingest", JSON.valueToTree(r.reingest()));
            out.println(j);
        } else {
            for (String note : r.notes()) out.println("  " + note);
            for (String p : r.problems()) out.println("DAMAGED " + p);
            if (!r.reingest().isEmpty()) {
                out.println("re-ingest these files into a new collection: " + String.join(" ", r.reingest()));
            }
            out.println(collection + (r.ok() ? ": intact" : ": " + r.problems().size() + " problem(s)")
                    + (r.generation() >= 0 ? " (generation " + r.generation() + ")" : ""));
        }
        out.flush();
        return r.ok() ? 0 : 1;
    }
}
