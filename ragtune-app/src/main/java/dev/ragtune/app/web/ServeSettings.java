package dev.ragtune.app.web;

import dev.ragtune.app.api.Limits;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * How a server runs.
 *
 * @param host          address to bind (loopback by default)
 * @param port          port, 0 for a free one
 * @param token         bearer token every API call must carry, or null for none
 * @param allowHosts    extra names clients reach the server by (checked against {@code Host})
 * @param limits        request bounds
 * @param workers       questions answered at the same time; more wait in line
 * @param refreshMillis how often to look for a new committed generation of the corpus (0: only after own writes)
 * @param uploads       folder where uploaded files are stored and served from
 */
public record ServeSettings(String host, int port, String token, Set<String> allowHosts, Limits limits, int workers,
                            long refreshMillis, Path uploads) {
    public ServeSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(uploads, "uploads");
        allowHosts = allowHosts == null ? Set.of() : Set.copyOf(allowHosts);
        limits = limits == null ? Limits.DEFAULTS : limits;
        if (workers < 1) throw new IllegalArgumentException("--workers must be >= 1, was " + workers);
        if (refreshMillis < 0) throw new IllegalArgumentException("--refresh-ms must be >= 0, was " + refreshMillis);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in 0..65535, was " + port);
    }

    /** Loopback, a free port, no token, default limits, one worker per core, a check for changes every second. */
    public static ServeSettings local(Path uploads) {
        return new ServeSettings("127.0.0.1", 0, null, Set.of(), Limits.DEFAULTS,
                Runtime.getRuntime().availableProcessors(), 1000, uploads);
    }

    public ServeSettings withToken(String t) {
        return new ServeSettings(host, port, t, allowHosts, limits, workers, refreshMillis, uploads);
    }

    public ServeSettings withLimits(Limits l) {
        return new ServeSettings(host, port, token, allowHosts, l, workers, refreshMillis, uploads);
    }

    public ServeSettings withWorkers(int w) {
        return new ServeSettings(host, port, token, allowHosts, limits, w, refreshMillis, uploads);
    }
}
