package dev.ragtune.app.cli;

import dev.ragtune.model.hub.ConsoleProgress;
import dev.ragtune.model.hub.FileSelection;
import dev.ragtune.model.hub.HubException;
import dev.ragtune.model.hub.HubSettings;
import dev.ragtune.model.hub.ModelCache;
import dev.ragtune.model.hub.ModelLocator;
import dev.ragtune.model.hub.ModelNotFoundException;
import dev.ragtune.model.hub.PullResult;
import dev.ragtune.model.hub.RepoId;
import dev.ragtune.model.hub.SnapshotDownloader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ragtune model pull|list|path}: download models from the Hugging Face hub and find them in the cache. */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Download models from the Hugging Face hub (or a mirror) and find them in the local cache.",
        subcommands = {ModelCommand.Pull.class, ModelCommand.ListCached.class, ModelCommand.PathOf.class})
public final class ModelCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static ModelCache cache(Path dir) {
        return dir != null ? new ModelCache(dir) : ModelCache.fromEnvironment();
    }

    /** {@code ragtune model pull ORG/NAME [--revision R] [--include GLOB]... [--cache DIR]}. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download a snapshot of a hub repo into the cache (resumes a broken download).",
                    "Token: HF_TOKEN, else $HF_HOME/token or ~/.cache/huggingface/token. Hub: HF_ENDPOINT.",
                    "Prints the snapshot folder on stdout; progress goes to stderr."})
    static final class Pull implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ORG/NAME", description = "hub repo id, e.g. google/flan-t5-small")
        String repo;

        @Option(names = "--revision", paramLabel = "R", defaultValue = "main",
                description = "branch, tag or commit sha (default: ${DEFAULT-VALUE})")
        String revision;

        @Option(names = "--include", paramLabel = "GLOB",
                description = "download only files matching GLOB (repeatable; fnmatch, * crosses /); "
                        + "default: the files ragtune uses")
        List<String> include = new ArrayList<>();

        @Option(names = "--cache", paramLabel = "DIR",
                description = "cache folder (default: $RAGTUNE_HOME/models or ~/.cache/ragtune/models)")
        Path cacheDir;

        @Option(names = "--endpoint", paramLabel = "URL", description = "hub endpoint (default: $HF_ENDPOINT or "
                + HubSettings.DEFAULT_ENDPOINT + ")")
        String endpoint;

        @Option(names = "--quiet", description = "no progress bar")
        boolean quiet;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                RepoId id = new RepoId(repo);
                HubSettings env = HubSettings.fromEnvironment();
                HubSettings settings = endpoint == null ? env : new HubSettings(URI.create(endpoint), env.token());
                SnapshotDownloader downloader = new SnapshotDownloader(settings, cache(cacheDir),
                        quiet ? dev.ragtune.model.hub.PullListener.SILENT : new ConsoleProgress(System.err));
                long t0 = System.nanoTime();
                PullResult r = downloader.pull(id, revision,
                        include.isEmpty() ? FileSelection.defaults() : FileSelection.including(include));
                double secs = (System.nanoTime() - t0) / 1e9;
                err.printf(Locale.ROOT,
                        "%s@%s: %d files downloaded (%.1f MB in %.1f s), %d already present, %d skipped%n",
                        id, revision, r.downloaded().size(), r.bytesDownloaded() / 1e6, secs, r.reused().size(),
                        r.skipped().size());
                err.flush();
                spec.commandLine().getOut().println(r.snapshot());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (HubException | IllegalArgumentException e) {
                err.println("ragtune model pull: " + e.getMessage());
                err.flush();
                return 1;
            } catch (IOException e) {
                err.println("ragtune model pull: " + e);
                err.flush();
                return 1;
            }
        }
    }

    /** {@code ragtune model list}: cached snapshots with revision and size. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the cached models.")
    static final class ListCached implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Option(names = "--cache", paramLabel = "DIR", description = "cache folder (default as for pull)")
        Path cacheDir;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ModelCache cache = cache(cacheDir);
            List<ModelCache.CachedModel> models = cache.list();
            if (models.isEmpty()) {
                out.println("no models in " + cache.root() + " (ragtune model pull ORG/NAME)");
            } else {
                out.printf(Locale.ROOT, "%-44s %-16s %-12s %10s  %s%n", "REPO", "REVISION", "COMMIT", "SIZE", "PATH");
                for (ModelCache.CachedModel m : models) {
                    out.printf(Locale.ROOT, "%-44s %-16s %-12s %10s  %s%n", m.repo(),
                            m.revisions().isEmpty() ? "-" : String.join(",", m.revisions()),
                            m.commitSha().length() > 12 ? m.commitSha().substring(0, 12) : m.commitSha(),
                            size(m.bytes()), m.snapshot());
                }
            }
            out.flush();
            return 0;
        }

        static String size(long bytes) {
            if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
            if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
    }

    /** {@code ragtune model path ORG/NAME[@REV]}: the folder a model resolves to. */
    @Command(name = "path", mixinStandardHelpOptions = true,
            description = "Print the folder of a cached model (or of a folder given as is).")
    static final class PathOf implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "ORG/NAME[@REV]")
        String model;

        @Option(names = "--cache", paramLabel = "DIR", description = "cache folder (default as for pull)")
        Path cacheDir;

        @Override
        public Integer call() {
            try {
                spec.commandLine().getOut().println(new ModelLocator(cache(cacheDir)).resolve(model));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ModelNotFoundException e) {
                spec.commandLine().getErr().println("ragtune model path: " + e.getMessage());
                spec.commandLine().getErr().flush();
                return 1;
            }
        }
    }
}
