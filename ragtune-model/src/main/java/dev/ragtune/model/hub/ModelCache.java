package dev.ragtune.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The on-disk layout of downloaded models, one folder per repo:
 * <pre>
 * &lt;root&gt;/&lt;org&gt;--&lt;name&gt;/snapshots/&lt;commit sha&gt;/...   the files, as in the repo
 * &lt;root&gt;/&lt;org&gt;--&lt;name&gt;/refs/&lt;revision&gt;                holds the commit sha the revision pointed at
 * &lt;root&gt;/&lt;org&gt;--&lt;name&gt;/tmp/&lt;commit sha&gt;/...         a pull in progress (partial files: *.incomplete)
 * &lt;root&gt;/&lt;org&gt;--&lt;name&gt;/.lock                           held by the pull of this repo
 * </pre>
 * The root is {@code $RAGTUNE_HOME/models}, default {@code ~/.cache/ragtune/models}. Sharp edge: a snapshot folder
 * appears only complete (it is renamed into place); never write into it by hand while a pull runs.
 */
public final class ModelCache {
    private final Path root;

    public ModelCache(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The cache of this process's environment ({@code RAGTUNE_HOME}, else {@code ~/.cache/ragtune}). */
    public static ModelCache fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Testable form of {@link #fromEnvironment()}. */
    public static ModelCache fromEnvironment(Map<String, String> env, Path home) {
        String rh = env.getOrDefault("RAGTUNE_HOME", "").strip();
        Path base = rh.isEmpty() ? home.resolve(".cache/ragtune") : Path.of(rh);
        return new ModelCache(base.resolve("models"));
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoId repo) {
        return root.resolve(repo.folderName());
    }

    public Path snapshotDir(RepoId repo, String commitShaOrRevision) {
        return repoDir(repo).resolve("snapshots").resolve(fileNameOf(commitShaOrRevision));
    }

    Path tempDir(RepoId repo, String commitSha) {
        return repoDir(repo).resolve("tmp").resolve(commitSha);
    }

    Path lockFile(RepoId repo) {
        return repoDir(repo).resolve(".lock");
    }

    Path refFile(RepoId repo, String revision) {
        return repoDir(repo).resolve("refs").resolve(fileNameOf(revision));
    }

    /** The commit sha that {@code revision} pointed at when it was last pulled, if it was. */
    public Optional<String> readRef(RepoId repo, String revision) {
        Path f = refFile(repo, revision);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            String sha = Files.readString(f, StandardCharsets.UTF_8).strip();
            return sha.isEmpty() ? Optional.empty() : Optional.of(sha);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cache ref " + f, e);
        }
    }

    /** Points {@code revision} at {@code commitSha}, atomically (temp file in refs/, then rename). */
    void writeRef(RepoId repo, String revision, String commitSha) throws IOException {
        Path f = refFile(repo, revision);
        Files.createDirectories(f.getParent());
        Path tmp = Files.createTempFile(f.getParent(), ".ref-", ".tmp");
        try {
            Files.writeString(tmp, commitSha, StandardCharsets.UTF_8);
            moveAtomically(tmp, f);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A snapshot in the cache. {@code revisions} are the refs pointing at it (empty when none does). */
    public record CachedModel(RepoId repo, String commitSha, List<String> revisions, Path snapshot, long bytes) {
        public CachedModel {
            revisions = List.copyOf(revisions);
        }
    }

    /** Every complete snapshot in the cache, by repo then commit. */
    public List<CachedModel> list() {
        List<CachedModel> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> repos = Files.list(root)) {
            for (Path repoDir : repos.sorted().toList()) {
                String folder = repoDir.getFileName().toString();
                boolean isRepo = RepoId.isValid(folder.replaceFirst("--", "/"));
                if (!isRepo || !Files.isDirectory(repoDir.resolve("snapshots"))) {
                    continue;
                }
                RepoId repo = RepoId.fromFolderName(folder);
                Map<String, List<String>> refsBySha = new java.util.TreeMap<>();
                Path refs = repoDir.resolve("refs");
                if (Files.isDirectory(refs)) {
                    try (DirectoryStream<Path> ds = Files.newDirectoryStream(refs)) {
                        for (Path r : ds) {
                            String name = URLDecoder.decode(r.getFileName().toString(), StandardCharsets.UTF_8);
                            if (name.startsWith(".ref-")) continue;
                            readRef(repo, name).ifPresent(
                                    sha -> refsBySha.computeIfAbsent(sha, k -> new ArrayList<>()).add(name));
                        }
                    }
                }
                try (Stream<Path> snaps = Files.list(repoDir.resolve("snapshots"))) {
                    for (Path s : snaps.sorted().toList()) {
                        if (!Files.isDirectory(s)) continue;
                        String sha = s.getFileName().toString();
                        List<String> revs = new ArrayList<>(refsBySha.getOrDefault(sha, List.of()));
                        revs.sort(Comparator.naturalOrder());
                        out.add(new CachedModel(repo, sha, revs, s, sizeOf(s)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model cache " + root, e);
        }
        return out;
    }

    static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            long sum = 0;
            for (Path p : files.filter(Files::isRegularFile).toList()) sum += Files.size(p);
            return sum;
        }
    }

    /** Relative paths of the regular files under {@code dir}, {@code /}-separated. */
    static Set<String> filesUnder(Path dir) throws IOException {
        Set<String> out = new HashSet<>();
        if (!Files.isDirectory(dir)) return out;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.add(dir.relativize(p).toString().replace(java.io.File.separatorChar, '/'));
            }
        }
        return out;
    }

    static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename " + from + " to " + to + " atomically (different file systems?)", e);
        }
    }

    private static String fileNameOf(String revision) {
        return URLEncoder.encode(revision, StandardCharsets.UTF_8);
    }
}
