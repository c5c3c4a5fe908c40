package dev.ragtune.rag.collection;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * File names of a collection folder. Every data file carries the generation it belongs to; {@code manifest.json}
 * names the committed one. A commit writes generation g+1 completely, renames the manifest over the old one, and
 * only then deletes generations older than g (a reader that opened g while the commit ran keeps working).
 */
record Layout(Path dir) {
    private static final Pattern GENERATION = Pattern.compile("^(?:chunks|vectors|sources|dense|bm25)\\.(\\d+)(?:\\..*)?$");

    Path manifest() {
        return dir.resolve("manifest.json");
    }

    Path chunks(long gen) {
        return dir.resolve("chunks." + gen + ".jsonl");
    }

    Path vectors(long gen) {
        return dir.resolve("vectors." + gen + ".f32");
    }

    Path sources(long gen) {
        return dir.resolve("sources." + gen + ".json");
    }

    Path dense(long gen) {
        return dir.resolve("dense." + gen);
    }

    Path bm25(long gen) {
        return dir.resolve("bm25." + gen);
    }

    /** Deletes the files of every generation other than {@code keep} and {@code keep - 1}. */
    void deleteGenerationsBefore(long keep) throws IOException {
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                Matcher m = GENERATION.matcher(p.getFileName().toString());
                if (m.matches()) {
                    long g = Long.parseLong(m.group(1));
                    if (g < keep - 1 || g > keep) doomed.add(p);
                }
            });
        }
        for (Path p : doomed) deleteRecursively(p);
    }

    /**
     * Removes what a writer that died left behind: temp files of unfinished atomic writes ({@code .*.tmp}) and the
     * files of generations after {@code committed}, which no manifest names. Only the lock holder may call this.
     */
    void deleteLeftoversAfter(long committed) throws IOException {
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(p -> {
                String name = p.getFileName().toString();
                Matcher m = GENERATION.matcher(name);
                if (name.startsWith(".") && name.endsWith(".tmp")) doomed.add(p);
                else if (m.matches() && Long.parseLong(m.group(1)) > committed) doomed.add(p);
            });
        }
        for (Path p : doomed) deleteRecursively(p);
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    /**
     * Makes {@code to} a copy of folder {@code from} by hard links (a copy where links are not possible). Safe for
     * Lucene folders, whose files are written once and never changed in place.
     */
    static void linkCopy(Path from, Path to) throws IOException {
        deleteRecursively(to);
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.equals("write.lock") || Files.isDirectory(f)) continue;
                try {
                    Files.createLink(to.resolve(name), f);
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(f, to.resolve(name));
                }
            }
        }
    }
}
