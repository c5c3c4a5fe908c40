package dev.ragtune.app.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --anchor PYTHON}: the same workload on today's Python stack ({@code bench/python}), run in the same command
 * and interleaved with ragtune round by round (ragtune, anchor, ragtune, anchor, …) so that a change in the machine's
 * load hits both alike. Without it a bench prints ragtune's numbers alone and no ratio.
 */
public final class AnchorOptions {
    @Option(names = "--anchor", paramLabel = "PYTHON",
            description = "Python of the venv bench/python/setup.sh makes (bench/python/.venv/bin/python): also run "
                    + "the workload's anchor script on the same shapes/vectors/texts, interleaved, and print both, "
                    + "the ratio and the anchor's versions")
    Path python;

    @Option(names = "--anchor-scripts", paramLabel = "DIR",
            description = "folder of the anchor scripts (default: bench/python of the ragtune checkout the launcher "
                    + "runs from, else of the current folder)")
    Path scripts;

    @Option(names = "--rounds", defaultValue = "2",
            description = "interleaved rounds per workload, medians reported (default: ${DEFAULT-VALUE})")
    int rounds;

    boolean enabled() {
        return python != null;
    }

    int rounds() {
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, was " + rounds);
        }
        return rounds;
    }

    /** Starts {@code script} of the anchor folder with these arguments. */
    PythonAnchor start(String script, List<String> args, int threads) throws IOException {
        return PythonAnchor.start(python, scriptsDir().resolve(script), args, threads);
    }

    private Path scriptsDir() {
        if (scripts != null) {
            return scripts;
        }
        String home = System.getProperty("ragtune.home");
        return (home != null ? Path.of(home) : Path.of("")).resolve("bench").resolve("python").toAbsolutePath();
    }
}
