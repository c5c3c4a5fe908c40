package dev.ragtune.model.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns what a user typed for a model into a folder: an existing directory as is, or a hub id
 * {@code org/name[@revision]} (revision default {@code main}) into its snapshot in the {@link ModelCache}.
 *
 * <p>Sharp edge: an existing directory always wins, so a relative folder {@code google/flan-t5-small} under the
 * working directory shadows the hub id. A revision is found through {@code refs/<revision>}; failing that, a folder
 * {@code snapshots/<revision>} is accepted (a commit sha, or files put there by hand when offline).
 */
public final class ModelLocator {
    private final ModelCache cache;

    public ModelLocator(ModelCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /** A locator over {@link ModelCache#fromEnvironment()}. */
    public static ModelLocator fromEnvironment() {
        return new ModelLocator(ModelCache.fromEnvironment());
    }

    /**
     * The folder holding the model's files.
     *
     * @throws ModelNotFoundException neither a directory nor a cached snapshot; the message says how to pull it
     */
    public Path resolve(String dirOrRepoId) {
        return locate(dirOrRepoId).dir();
    }

    /**
     * A model's folder and where it came from: the hub id for a cached hub snapshot, else the folder's absolute
     * path ({@link Located#name()}, what an adapter records as its base model).
     *
     * @throws ModelNotFoundException neither a directory nor a cached snapshot; the message says how to pull it
     */
    public Located locate(String dirOrRepoId) {
        if (dirOrRepoId == null || dirOrRepoId.isBlank()) {
            throw new ModelNotFoundException("no model given: pass a folder or a hub id ORG/NAME[@REVISION]");
        }
        String s = dirOrRepoId.strip();
        Optional<Path> dir = asDirectory(s);
        if (dir.isPresent()) return new Located(dir.get(), Optional.empty());
        int at = s.lastIndexOf('@');
        String id = at >= 0 ? s.substring(0, at) : s;
        String revision = at >= 0 ? s.substring(at + 1) : "main";
        if (!RepoId.isValid(id) || revision.isEmpty() || revision.contains("..")) {
            throw new ModelNotFoundException("'" + s + "' is neither a folder (" + Path.of(".").toAbsolutePath()
                    .normalize().resolve(s) + " does not exist) nor a hub id ORG/NAME[@REVISION]");
        }
        RepoId repo = new RepoId(id);
        Optional<String> sha = cache.readRef(repo, revision);
        if (sha.isPresent() && Files.isDirectory(cache.snapshotDir(repo, sha.get()))) {
            return new Located(cache.snapshotDir(repo, sha.get()), Optional.of(repo.toString()));
        }
        Path byName = cache.snapshotDir(repo, revision);
        if (Files.isDirectory(byName)) return new Located(byName, Optional.of(repo.toString()));
        throw new ModelNotFoundException(repo + ("main".equals(revision) ? "" : "@" + revision)
                + " is not downloaded (looked in " + cache.repoDir(repo) + "). Run ./ragtune model pull " + repo
                + ("main".equals(revision) ? "" : " --revision " + revision)
                + ", or pass the folder that holds its files");
    }

    private static Optional<Path> asDirectory(String s) {
        try {
            String expanded = s.equals("~") || s.startsWith("~/")
                    ? System.getProperty("user.home") + s.substring(1) : s;
            Path p = Path.of(expanded);
            return Files.isDirectory(p) ? Optional.of(p.toAbsolutePath().normalize()) : Optional.empty();
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /**
     * A located model.
     *
     * @param dir   the folder holding its files
     * @param hubId {@code org/name} when it is a hub snapshot from the cache
     */
    public record Located(Path dir, Optional<String> hubId) {
        /** The hub id, or the folder's absolute path. */
        public String name() {
            return hubId.orElse(dir.toAbsolutePath().toString());
        }
    }
}
