package dev.ragtune.app.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One anchor script of {@code bench/python} (today's Python stack), started once per bench command and asked for one
 * measurement per interleaved round: a JSON request line on its stdin, exactly one JSON line back on its stdout (the
 * protocol of {@code bench/python/anchor_io.py}). Its stderr goes to a log file that failures name.
 */
final class PythonAnchor implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final BufferedWriter requests;
    private final BufferedReader replies;
    private final Path log;
    private JsonNode versions;

    private PythonAnchor(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /**
     * Starts {@code python script args…}; {@code threads} also goes to the OpenMP/MKL variables so that the anchor's
     * native pools match ragtune's.
     */
    static PythonAnchor start(Path python, Path script, List<String> args, int threads) throws IOException {
        if (!Files.isRegularFile(script)) {
            throw new IOException("anchor script " + script + " not found; point --anchor-scripts at the bench/python"
                    + " folder of a ragtune checkout");
        }
        if (!Files.isExecutable(python)) {
            throw new IOException("--anchor " + python + " is not an executable Python; run bench/python/setup.sh and"
                    + " pass its venv's bin/python");
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), script.toString()));
        command.addAll(args);
        Path log = Files.createTempFile("ragtune-anchor-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        Map<String, String> env = pb.environment();
        for (String var : List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")) {
            env.put(var, Integer.toString(threads));
        }
        env.put("PYTHONUNBUFFERED", "1");
        env.put("PYTHONPATH", script.toAbsolutePath().getParent().toString());
        return new PythonAnchor(script.getFileName().toString(), pb.start(), log);
    }

    /** Sends one request and waits for its one reply line; an anchor error or a dead anchor is an IOException. */
    JsonNode ask(Map<String, ?> request) throws IOException {
        try {
            requests.write(JSON.writeValueAsString(request));
            requests.newLine();
            requests.flush();
        } catch (IOException e) {
            throw failure("stopped before the request " + request);
        }
        String line = replies.readLine();
        if (line == null) {
            throw failure("ended without answering " + JSON.writeValueAsString(request));
        }
        JsonNode reply;
        try {
            reply = JSON.readTree(line);
        } catch (IOException e) {
            throw new IOException("anchor " + name + " answered a line that is not JSON: '" + abbreviate(line)
                    + "' (its stdout must carry only the protocol's JSON lines; log " + log + ")");
        }
        if (reply == null || !reply.isObject()) {
            throw new IOException("anchor " + name + " answered '" + abbreviate(line) + "', not a JSON object");
        }
        if (reply.hasNonNull("error")) {
            throw new IOException("anchor " + name + " failed on " + JSON.writeValueAsString(request) + ": "
                    + reply.get("error").asText() + " (log " + log + ")");
        }
        if (reply.hasNonNull("versions")) {
            versions = reply.get("versions");
        }
        return reply;
    }

    /** A number the anchor must have answered, or an IOException naming the field. */
    static double number(JsonNode reply, String field) throws IOException {
        JsonNode v = reply.get(field);
        if (v == null || !v.isNumber()) {
            throw new IOException("anchor reply has no number '" + field + "': " + abbreviate(reply.toString()));
        }
        return v.asDouble();
    }

    /** The versions of the last reply (the stack that produced the numbers), as one JSON line. */
    String versions() {
        return versions == null ? "(none reported)" : versions.toString();
    }

    private IOException failure(String what) {
        int exit;
        try {
            exit = process.waitFor(10, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exit = -1;
        }
        return new IOException("anchor " + name + " " + what + (exit >= 0 ? " (exit " + exit + ")" : "") + ": "
                + lastLogLine() + " — see " + log + "; bench/python/setup.sh makes the venv it needs");
    }

    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(log);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) {
                    return abbreviate(lines.get(i).strip());
                }
            }
            return "nothing on stderr";
        } catch (IOException e) {
            return "its log is unreadable (" + e.getMessage() + ")";
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "…";
    }

    /** Closes the anchor's stdin (its signal to end) and waits for it; kills it if it does not end. */
    @Override
    public void close() throws IOException {
        try {
            requests.close();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        replies.close();
        if (!process.isAlive() && process.exitValue() == 0) {
            Files.deleteIfExists(log);
        }
    }
}
