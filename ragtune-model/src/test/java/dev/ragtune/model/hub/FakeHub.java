package dev.ragtune.model.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback stand-in for the two hub endpoints a snapshot download uses, with the hub's behaviours that matter:
 * revision listing with {@code blobs=true}, {@code resolve} that redirects LFS files to a "CDN" path, Range requests
 * (206), bearer-token checks with {@code X-Error-Code}, and fault injection (a connection cut mid-file, wrong bytes).
 */
final class FakeHub implements AutoCloseable {
    /** A file of the fake repo: its bytes and, for LFS files, the sha256 the listing announces. */
    record Entry(byte[] bytes, String lfsSha256, String blobId) {}

    final String repo;
    volatile String commitSha;
    final Map<String, Entry> files = new ConcurrentHashMap<>();
    /** Bytes served instead of the listed ones (same length), to fake corruption. */
    final Map<String, byte[]> corrupt = new ConcurrentHashMap<>();
    /** file → absolute offset at which the next transfers of that file are cut. */
    final Map<String, Long> cutAt = new ConcurrentHashMap<>();
    /** file → how many more transfers get cut. */
    final Map<String, Integer> cutsLeft = new ConcurrentHashMap<>();
    volatile String requiredToken;
    volatile boolean gated;
    volatile boolean ignoreRange;

    final Map<String, AtomicLong> bytesSent = new ConcurrentHashMap<>();
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    final List<String> authAtHub = new CopyOnWriteArrayList<>();
    final List<String> authAtCdn = new CopyOnWriteArrayList<>();

    private final HttpServer server;
    /** A second origin (another port) standing in for the CDN that LFS downloads are redirected to. */
    private final HttpServer cdn;

    FakeHub(String repo, String commitSha) throws IOException {
        this.repo = repo;
        this.commitSha = commitSha;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        cdn.createContext("/", this::handle);
        cdn.start();
    }

    /** Takes the CDN down (a firewall that lets the hub through but not its CDN). */
    void stopCdn() {
        cdn.stop(0);
    }

    String cdnEndpoint() {
        return "http://127.0.0.1:" + cdn.getAddress().getPort();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void put(String path, byte[] bytes, String lfsSha256, String blobId) {
        files.put(path, new Entry(bytes, lfsSha256, blobId));
    }

    void cut(String path, long offset, int times) {
        cutAt.put(path, offset);
        cutsLeft.put(path, times);
    }

    long sent(String path) {
        return bytesSent.getOrDefault(path, new AtomicLong()).get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            String apiPrefix = "/api/models/" + repo + "/revision/";
            String resolvePrefix = "/" + repo + "/resolve/";
            if (path.startsWith("/cdn/")) {
                authAtCdn.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                serveFile(ex, decode(path.substring("/cdn/".length())));
                return;
            }
            authAtHub.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            if (!path.startsWith(apiPrefix) && !path.startsWith(resolvePrefix)) {
                error(ex, 404, "RepoNotFound", "Repository not found");
                return;
            }
            if (requiredToken != null
                    && !("Bearer " + requiredToken).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                if (gated) error(ex, 401, "GatedRepo", "Access to model " + repo + " is restricted.");
                else error(ex, 401, "RepoNotFound", "Repository Not Found");
                return;
            }
            if (path.startsWith(apiPrefix)) {
                String rev = decode(path.substring(apiPrefix.length()));
                if (!rev.equals("main") && !rev.equals(commitSha)) {
                    error(ex, 404, "RevisionNotFound", "Invalid rev id: " + rev);
                    return;
                }
                send(ex, 200, listing().getBytes(StandardCharsets.UTF_8), "application/json");
                return;
            }
            String rest = path.substring(resolvePrefix.length());
            String sha = rest.substring(0, rest.indexOf('/'));
            String file = decode(rest.substring(rest.indexOf('/') + 1));
            if (!sha.equals(commitSha) || !files.containsKey(file)) {
                error(ex, 404, "EntryNotFound", "Entry not found");
                return;
            }
            if (files.get(file).lfsSha256() != null) { // the hub sends LFS files to its CDN
                ex.getResponseHeaders().add("Location", cdnEndpoint() + "/cdn/" + file + "?X-Amz-Signature=abc");
                ex.sendResponseHeaders(302, -1);
                return;
            }
            serveFile(ex, file);
        }
    }

    private void serveFile(HttpExchange ex, String file) throws IOException {
        Entry e = files.get(file);
        byte[] bytes = corrupt.getOrDefault(file, e.bytes());
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null) rangeHeaders.add(file + " " + range);
        long from = 0;
        int status = 200;
        if (range != null && !ignoreRange && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Long.parseLong(range.substring(6, range.length() - 1));
            if (from >= bytes.length) {
                ex.getResponseHeaders().add("Content-Range", "bytes */" + bytes.length);
                ex.sendResponseHeaders(416, -1);
                return;
            }
            status = 206;
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(status, bytes.length - from);
        long end = bytes.length;
        int cuts = cutsLeft.getOrDefault(file, 0);
        boolean cut = cuts > 0 && cutAt.get(file) > from;
        if (cut) {
            cutsLeft.put(file, cuts - 1);
            end = cutAt.get(file);
        }
        OutputStream out = ex.getResponseBody();
        out.write(bytes, (int) from, (int) (end - from));
        out.flush();
        bytesSent.computeIfAbsent(file, k -> new AtomicLong()).addAndGet(end - from);
        if (cut) {
            // Drop the connection with the body unfinished: the client sees a premature end of stream.
            throw new IOException("cut on purpose");
        }
    }

    private String listing() {
        StringBuilder sb = new StringBuilder("{\"id\":\"" + repo + "\",\"sha\":\"" + commitSha + "\",\"siblings\":[");
        boolean first = true;
        for (Map.Entry<String, Entry> f : new java.util.TreeMap<>(files).entrySet()) {
            if (!first) sb.append(',');
            first = false;
            Entry e = f.getValue();
            sb.append("{\"rfilename\":\"").append(f.getKey()).append("\",\"size\":").append(e.bytes().length);
            if (e.lfsSha256() != null) {
                sb.append(",\"blobId\":\"0000000000000000000000000000000000000000\",\"lfs\":{\"sha256\":\"")
                        .append(e.lfsSha256()).append("\",\"size\":").append(e.bytes().length)
                        .append(",\"pointerSize\":134}");
            } else if (e.blobId() != null) {
                sb.append(",\"blobId\":\"").append(e.blobId()).append('"');
            }
            sb.append('}');
        }
        return sb.append("]}").toString();
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        ex.getResponseHeaders().add("X-Error-Code", code);
        ex.getResponseHeaders().add("X-Error-Message", message);
        send(ex, status, ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8), "application/json");
    }

    private static void send(HttpExchange ex, int status, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    private static String decode(String s) {
        return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        cdn.stop(0);
    }
}
