package dev.ragtune.model.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The two hub HTTP calls a snapshot download needs: resolve a revision, and GET one file (optionally from a byte
 * offset). Follows redirects itself so that the token goes to the hub endpoint only, never to the CDN that LFS
 * files redirect to (a presigned CDN URL rejects a second credential). Turns HTTP errors into
 * {@link HttpStatusException}; connection failures surface as the JDK's {@link IOException}s.
 */
final class HubClient {
    private static final int MAX_REDIRECTS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HubSettings settings;
    private final int connectTimeoutMs;
    private final int readTimeoutMs;

    HubClient(HubSettings settings, int connectTimeoutMs, int readTimeoutMs) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.connectTimeoutMs = connectTimeoutMs;
        this.readTimeoutMs = readTimeoutMs;
    }

    HubSettings settings() {
        return settings;
    }

    /** A non-2xx answer of the hub, with its {@code X-Error-Code} / {@code X-Error-Message} when present. */
    static final class HttpStatusException extends IOException {
        private static final long serialVersionUID = 1L;
        final int status;
        final String errorCode;
        final String hubMessage;

        HttpStatusException(URI uri, int status, String errorCode, String hubMessage) {
            super("HTTP " + status + " from " + uri + (hubMessage.isEmpty() ? "" : ": " + hubMessage));
            this.status = status;
            this.errorCode = errorCode;
            this.hubMessage = hubMessage;
        }
    }

    /** An open file transfer; close it. */
    record Transfer(int status, long contentLength, long startOffset, InputStream body, HttpURLConnection conn)
            implements Closeable {
        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is dropped below anyway
            }
            conn.disconnect();
        }
    }

    URI revisionUri(RepoId repo, String revision) {
        return URI.create(settings.endpoint() + "/api/models/" + repo.id() + "/revision/" + encode(revision)
                + "?blobs=true");
    }

    URI fileUri(RepoId repo, String commitSha, String path) {
        StringBuilder sb = new StringBuilder(settings.endpoint() + "/" + repo.id() + "/resolve/" + commitSha);
        for (String seg : path.split("/")) sb.append('/').append(encode(seg));
        return URI.create(sb.toString());
    }

    /** {@code GET /api/models/{repo}/revision/{rev}?blobs=true}, parsed. */
    RepoRevision revision(RepoId repo, String revision) throws IOException {
        URI uri = revisionUri(repo, revision);
        HttpURLConnection conn = open(uri, -1);
        try (InputStream in = conn.getInputStream()) {
            JsonNode root = JSON.readTree(in);
            String sha = root.path("sha").asText(null);
            List<RemoteFile> files = new ArrayList<>();
            for (JsonNode s : root.path("siblings")) {
                String name = s.path("rfilename").asText(null);
                if (name == null) continue;
                JsonNode lfs = s.path("lfs");
                long size = s.has("size") ? s.path("size").asLong() : lfs.path("size").asLong(-1);
                String sha256 = lfs.isObject() ? lfs.path("sha256").asText(null) : null;
                String blobId = lfs.isObject() ? null : s.path("blobId").asText(null);
                files.add(new RemoteFile(name, size, sha256, blobId));
            }
            if (sha == null) {
                throw new IOException("the hub's answer for " + repo + "@" + revision + " has no commit sha (" + uri
                        + "); is HF_ENDPOINT a hub?");
            }
            return new RepoRevision(repo, sha, files);
        } finally {
            conn.disconnect();
        }
    }

    /** Starts a GET of one file from {@code offset} (0 = whole file, else a {@code Range} request). */
    Transfer download(RepoId repo, String commitSha, String path, long offset) throws IOException {
        HttpURLConnection conn = open(fileUri(repo, commitSha, path), offset);
        int status = conn.getResponseCode();
        long start = 0;
        if (status == 206) {
            String cr = conn.getHeaderField("Content-Range"); // bytes 100-999/1000
            start = offset;
            if (cr != null && cr.startsWith("bytes ")) {
                int dash = cr.indexOf('-');
                if (dash > 6) start = Long.parseLong(cr.substring(6, dash).strip());
            }
        }
        return new Transfer(status, conn.getContentLengthLong(), start, conn.getInputStream(), conn);
    }

    private HttpURLConnection open(URI uri, long rangeFrom) throws IOException {
        URI current = uri;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection conn = (HttpURLConnection) current.toURL().openConnection();
            conn.setInstanceFollowRedirects(false);
            conn.setConnectTimeout(connectTimeoutMs);
            conn.setReadTimeout(readTimeoutMs);
            conn.setRequestProperty("User-Agent", "ragtune/0.1 (java " + Runtime.version().feature() + ")");
            conn.setRequestProperty("Accept-Encoding", "identity");
            if (sameOrigin(current, settings.endpoint())) {
                settings.token().ifPresent(t -> conn.setRequestProperty("Authorization", "Bearer " + t));
            }
            if (rangeFrom > 0) conn.setRequestProperty("Range", "bytes=" + rangeFrom + "-");
            int status;
            try {
                status = conn.getResponseCode();
            } catch (java.net.ConnectException | java.net.UnknownHostException e) {
                if (hop == 0) throw e;
                throw redirectedFailure(e, current, uri);
            }
            if (status >= 300 && status < 400 && status != 304) {
                String location = conn.getHeaderField("Location");
                drain(conn);
                if (location == null) throw new HttpStatusException(current, status, "", "redirect without Location");
                current = current.resolve(location);
                continue;
            }
            if (status >= 400) {
                String code = nullToEmpty(conn.getHeaderField("X-Error-Code"));
                String msg = nullToEmpty(conn.getHeaderField("X-Error-Message"));
                if (msg.isEmpty()) msg = errorBody(conn);
                conn.disconnect();
                throw new HttpStatusException(current, status, code, msg);
            }
            return conn;
        }
        throw new IOException("more than " + MAX_REDIRECTS + " redirects starting at " + uri);
    }

    /** Same exception type (so it still reads as "unreachable"), naming the host the hub redirected to. */
    private static IOException redirectedFailure(IOException e, URI target, URI original) {
        String msg = "cannot connect to " + target.getHost() + (target.getPort() > 0 ? ":" + target.getPort() : "")
                + ", where " + original.getHost() + " redirected the download (" + e.getMessage() + ")";
        IOException out = e instanceof java.net.UnknownHostException ? new java.net.UnknownHostException(msg)
                : new java.net.ConnectException(msg);
        out.initCause(e);
        return out;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static void drain(HttpURLConnection conn) {
        try (InputStream in = conn.getErrorStream() != null ? conn.getErrorStream() : conn.getInputStream()) {
            if (in != null) in.readNBytes(64 * 1024);
        } catch (IOException ignored) {
            // body of a redirect: not needed
        }
    }

    private static String errorBody(HttpURLConnection conn) {
        try (InputStream in = conn.getErrorStream()) {
            if (in == null) return "";
            String body = new String(in.readNBytes(2048), StandardCharsets.UTF_8).strip();
            try {
                JsonNode n = JSON.readTree(body);
                if (n.hasNonNull("error")) return n.get("error").asText();
            } catch (IOException notJson) {
                // plain text body
            }
            return body.length() > 300 ? body.substring(0, 300) + "…" : body;
        } catch (IOException e) {
            return "";
        }
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
