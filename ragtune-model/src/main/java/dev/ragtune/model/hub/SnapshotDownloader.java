package dev.ragtune.model.hub;

import dev.ragtune.model.io.FileTrees;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Downloads a snapshot of a hub repo into a {@link ModelCache}, like {@code huggingface_hub.snapshot_download}.
 *
 * <p>Steps: take the repo's lock ({@link FileChannel#tryLock()}, so two pulls of one repo never collide); resolve the
 * revision to a commit ({@code GET /api/models/{repo}/revision/{rev}?blobs=true}); choose files
 * ({@link FileSelection}); download each from {@code /{repo}/resolve/{commit}/{file}} into
 * {@code tmp/<commit>/<file>.incomplete}, resuming a partial file with a {@code Range} request (a 206 answer appends,
 * a 200 restarts) and retrying a broken transfer a few times; verify SHA-256 (LFS files) or the git blob id (small
 * files) and size; rename the file into the temp snapshot; when every file is there, rename the temp snapshot into
 * {@code snapshots/<commit>} and then write {@code refs/<revision>} (both atomic renames).
 *
 * <p>Sharp edges: a failed pull leaves no snapshot (earlier snapshots stay intact) but keeps its temp folder so the
 * next pull of the same commit resumes; files are never fetched from a branch name, only from the resolved commit.
 */
public final class SnapshotDownloader {
    /** Default transfer retries (resumes) per file before giving up. */
    public static final int DEFAULT_RETRIES = 5;

    private final HubClient client;
    private final ModelCache cache;
    private final PullListener listener;
    private final int maxRetries;
    private final Duration retryPause;

    /** A downloader with default retries (5, one second apart) and timeouts (connect 10 s, read 60 s). */
    public SnapshotDownloader(HubSettings settings, ModelCache cache, PullListener listener) {
        this(settings, cache, listener, DEFAULT_RETRIES, Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(60));
    }

    public SnapshotDownloader(HubSettings settings, ModelCache cache, PullListener listener, int maxRetries,
                              Duration retryPause, Duration connectTimeout, Duration readTimeout) {
        if (maxRetries < 0) throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        this.client = new HubClient(settings, (int) connectTimeout.toMillis(), (int) readTimeout.toMillis());
        this.cache = Objects.requireNonNull(cache, "cache");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxRetries = maxRetries;
        this.retryPause = Objects.requireNonNull(retryPause, "retryPause");
    }

    /**
     * Pulls {@code revision} of {@code repo}.
     *
     * @throws HubUnreachableException       offline, unknown host, connection refused
     * @throws HubAccessDeniedException      401/403: gated or private repo, missing or bad HF_TOKEN
     * @throws HubNotFoundException          404: no such repo, revision or file; or no file matched the selection
     * @throws DownloadInterruptedException  a transfer broke off more often than the retries allow (resumable)
     * @throws ChecksumMismatchException     a file does not match the hub's checksum (the bad file is deleted)
     * @throws CacheLockedException          another pull of this repo is running
     * @throws IOException                   local disk errors
     */
    public PullResult pull(RepoId repo, String revision, FileSelection selection) throws IOException {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(selection, "selection");
        if (revision == null || revision.isBlank()) throw new IllegalArgumentException("revision must not be empty");
        Path repoDir = cache.repoDir(repo);
        Files.createDirectories(repoDir);
        Path lockFile = cache.lockFile(repo);
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new CacheLockedException("another pull of " + repo + " is running (it holds " + lockFile
                        + "); wait for it to finish, then run the pull again");
            }
            try (FileLock held = lock) {
                return pullLocked(repo, revision, selection);
            }
        }
    }

    private PullResult pullLocked(RepoId repo, String revision, FileSelection selection) throws IOException {
        RepoRevision rev;
        try {
            rev = client.revision(repo, revision);
        } catch (IOException e) {
            throw translate(e, repo, revision, null, cache.snapshotDir(repo, revision), selection);
        }
        FileSelection.Choice choice = selection.choose(rev.files());
        if (choice.wanted().isEmpty()) {
            String have = rev.files().stream().map(RemoteFile::path).limit(20).collect(Collectors.joining(", "));
            throw new HubNotFoundException("no file of " + repo + "@" + revision + " matches "
                    + (selection.isCustom() ? "the --include globs" : "what ragtune uses") + "; the repo has: "
                    + (have.isEmpty() ? "(no files)" : have) + ". Pick files with --include GLOB");
        }
        listener.resolved(rev, choice);

        String sha = rev.commitSha();
        Path snapshot = cache.snapshotDir(repo, sha);
        Path tmp = cache.tempDir(repo, sha);
        Set<String> inSnapshot = ModelCache.filesUnder(snapshot);
        boolean complete = Files.isDirectory(snapshot) && choice.wanted().stream()
                .allMatch(f -> inSnapshot.contains(f.path()) && sizeMatches(snapshot.resolve(f.path()), f.size()));
        List<String> downloaded = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        long bytes = 0;
        if (complete) {
            choice.wanted().forEach(f -> reused.add(f.path()));
        } else {
            Files.createDirectories(tmp);
            for (RemoteFile f : choice.wanted()) {
                Path target = tmp.resolve(f.path());
                Path earlier = snapshot.resolve(f.path());
                if (Files.isRegularFile(target) && sizeMatches(target, f.size())) {
                    reused.add(f.path());
                } else if (Files.isRegularFile(earlier) && sizeMatches(earlier, f.size())) {
                    Files.createDirectories(target.getParent());
                    Files.copy(earlier, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    reused.add(f.path());
                } else {
                    bytes += fetch(rev, f, target, choice, revision);
                    downloaded.add(f.path());
                }
            }
            // keep what an earlier snapshot of this commit had beyond this selection
            for (String extra : inSnapshot) {
                Path target = tmp.resolve(extra);
                if (!Files.exists(target)) {
                    Files.createDirectories(target.getParent());
                    Files.copy(snapshot.resolve(extra), target);
                }
            }
            install(tmp, snapshot, repo);
        }
        if (!revision.equals(sha)) cache.writeRef(repo, revision, sha);
        return new PullResult(repo, revision, sha, snapshot, downloaded, reused, choice.skipped(), bytes);
    }

    /** Renames the finished temp snapshot into place; an existing one of the same commit is swapped out. */
    private static void install(Path tmp, Path snapshot, RepoId repo) throws IOException {
        Files.createDirectories(snapshot.getParent());
        if (Files.exists(snapshot)) {
            Path old = tmp.resolveSibling(tmp.getFileName() + ".old-" + System.nanoTime());
            ModelCache.moveAtomically(snapshot, old);
            ModelCache.moveAtomically(tmp, snapshot);
            FileTrees.delete(old);
        } else {
            ModelCache.moveAtomically(tmp, snapshot);
        }
        Path tmpRoot = tmp.getParent();
        try (var s = Files.list(tmpRoot)) {
            if (s.findAny().isEmpty()) Files.deleteIfExists(tmpRoot);
        }
    }

    /** Downloads one file into {@code target} (via {@code target.incomplete}); returns the bytes received. */
    private long fetch(RepoRevision rev, RemoteFile f, Path target, FileSelection.Choice choice, String revision)
            throws IOException {
        Files.createDirectories(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".incomplete");
        long received = 0;
        int attempt = 0;
        while (true) {
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (f.size() >= 0 && have > f.size()) {
                Files.delete(part);
                have = 0;
            }
            if (f.size() >= 0 && have == f.size() && have > 0) break;
            try (HubClient.Transfer t = client.download(rev.repo(), rev.commitSha(), f.path(), have)) {
                boolean append = have > 0 && t.status() == 206 && t.startOffset() == have;
                long from = append ? have : 0;
                long total = f.size() >= 0 ? f.size() : (t.contentLength() >= 0 ? from + t.contentLength() : -1);
                listener.fileStarted(f.path(), from, total);
                long done = from;
                try (InputStream in = t.body();
                     OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                             append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                    byte[] buf = new byte[256 * 1024];
                    for (int n; (n = in.read(buf)) > 0; ) {
                        out.write(buf, 0, n);
                        done += n;
                        received += n;
                        listener.progress(f.path(), done, total);
                    }
                }
                if (total >= 0 && done < total) {
                    throw new EOFException("connection closed after " + done + " of " + total + " bytes");
                }
                break;
            } catch (HubClient.HttpStatusException e) {
                if (e.status == 416 && have > 0) { // our partial is not a prefix the server knows: start over
                    Files.deleteIfExists(part);
                    continue;
                }
                throw translate(e, rev.repo(), revision, choice, cache.snapshotDir(rev.repo(), revision), null);
            } catch (IOException e) {
                long now = Files.exists(part) ? Files.size(part) : 0;
                attempt++;
                if (attempt > maxRetries) {
                    if (isUnreachable(e)) {
                        throw translate(e, rev.repo(), revision, choice,
                                cache.snapshotDir(rev.repo(), revision), null);
                    }
                    throw new DownloadInterruptedException("download of " + f.path() + " from " + rev.repo() + "@"
                            + rev.commitSha().substring(0, 12) + " broke off after " + now + " of "
                            + (f.size() >= 0 ? f.size() + " bytes" : "? bytes") + " (" + e.getMessage() + "), "
                            + (maxRetries + 1) + (maxRetries == 0 ? " attempt" : " attempts")
                            + ". The partial file is kept in " + part
                            + "; run the same `ragtune model pull " + rev.repo()
                            + ("main".equals(revision) ? "" : " --revision " + revision)
                            + "` again to resume it from byte " + now + ".", e);
                }
                listener.retrying(f.path(), now, attempt, maxRetries, e);
                pause(attempt);
            }
        }
        verify(f, part, rev);
        ModelCache.moveAtomically(part, target);
        listener.fileFinished(f.path(), Files.size(target));
        return received;
    }

    private void pause(int attempt) throws IOException {
        long ms = retryPause.toMillis() * attempt;
        if (ms <= 0) return;
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to resume a download");
        }
    }

    private static void verify(RemoteFile f, Path part, RepoRevision rev) throws IOException {
        long size = Files.size(part);
        String what = f.path() + " from " + rev.repo() + "@" + rev.commitSha().substring(0, 12);
        if (f.size() >= 0 && size != f.size()) {
            Files.deleteIfExists(part);
            throw new ChecksumMismatchException(what + " has " + size + " bytes, the hub says " + f.size()
                    + "; the download was deleted; run the pull again");
        }
        String expected;
        String actual;
        String algo;
        if (f.sha256() != null) {
            algo = "SHA-256";
            expected = f.sha256().toLowerCase(java.util.Locale.ROOT);
            actual = digest(part, "SHA-256", null);
        } else if (f.gitBlobId() != null && f.gitBlobId().matches("[0-9a-fA-F]{40}")) {
            algo = "git blob id";
            expected = f.gitBlobId().toLowerCase(java.util.Locale.ROOT);
            actual = digest(part, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
        } else {
            return;
        }
        if (!expected.equals(actual)) {
            Files.deleteIfExists(part);
            throw new ChecksumMismatchException(what + ": " + algo + " is " + actual + " but the hub says " + expected
                    + "; the corrupt download was deleted. Run the pull again; if it repeats, a proxy or mirror"
                    + " (HF_ENDPOINT) is altering the file");
        }
    }

    static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " missing from the JDK", e);
        }
        if (prefix != null) md.update(prefix);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static boolean sizeMatches(Path p, long size) {
        try {
            return size < 0 || Files.size(p) == size;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isUnreachable(IOException e) {
        return e instanceof UnknownHostException || e instanceof ConnectException
                || e instanceof NoRouteToHostException
                || (e instanceof SocketTimeoutException
                    && String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("connect"));
    }

    /** Maps an IO or HTTP failure to the exception and message the user should see. */
    private HubException translate(IOException e, RepoId repo, String revision, FileSelection.Choice choice,
                                   Path folder, FileSelection selection) {
        String endpoint = client.settings().endpoint().toString();
        if (isUnreachable(e)) {
            String files = choice != null
                    ? choice.wanted().stream().map(RemoteFile::path).collect(Collectors.joining(", "))
                    : selection != null && selection.isCustom()
                    ? "the files matching your --include globs"
                    : "those of config.json, generation_config.json, *.safetensors, model.safetensors.index.json,"
                    + " tokenizer.json, tokenizer_config.json, special_tokens_map.json, spiece.model,"
                    + " onnx/model.onnx, modules.json, sentence_bert_config.json, config_sentence_transformers.json,"
                    + " 1_Pooling/config.json, adapter_config.json, adapter_model.safetensors that the repo has";
            return new HubUnreachableException("cannot reach " + endpoint + " — you seem offline ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "). Download the files of " + repo
                    + " by hand (" + files + ") from " + endpoint + "/" + repo + "/tree/" + revision + " into "
                    + folder + ", or set HF_ENDPOINT to a mirror", e);
        }
        if (e instanceof HubClient.HttpStatusException h) {
            String hubSays = h.hubMessage.isEmpty() ? "" : " (the hub says: " + h.hubMessage + ")";
            boolean tokenSent = client.settings().token().isPresent();
            if (h.status == 401 || h.status == 403) {
                if ("GatedRepo".equals(h.errorCode)) {
                    return new HubAccessDeniedException(repo + " is gated: accept its conditions at " + endpoint + "/"
                            + repo + " with your account, then set HF_TOKEN to a token of that account" + hubSays, e);
                }
                return new HubAccessDeniedException("access to " + repo + " denied (HTTP " + h.status + "): it is gated"
                        + " or private, or does not exist. " + (tokenSent
                        ? "The token sent (HF_TOKEN or the huggingface token file) was refused; check it has read"
                        + " access"
                        : "No token was sent: set HF_TOKEN to a hub access token with read access") + hubSays, e);
            }
            if (h.status == 404) {
                if ("RevisionNotFound".equals(h.errorCode)) {
                    return new HubNotFoundException(repo + " has no revision '" + revision + "' on " + endpoint
                            + "; check --revision (a branch, tag or commit sha)" + hubSays, e);
                }
                if ("EntryNotFound".equals(h.errorCode)) {
                    return new HubNotFoundException("a file listed for " + repo + "@" + revision + " is missing on "
                            + endpoint + hubSays, e);
                }
                return new HubNotFoundException("no such repo " + repo + " or revision '" + revision + "' on "
                        + endpoint + " (HTTP 404); check the spelling ORG/NAME" + hubSays, e);
            }
            return new HubException("the hub " + endpoint + " answered HTTP " + h.status + " for " + repo + hubSays
                    + "; try again later", e);
        }
        if (e instanceof HubException he) return he;
        return new HubException("talking to " + endpoint + " about " + repo + " failed: " + e, e);
    }
}
