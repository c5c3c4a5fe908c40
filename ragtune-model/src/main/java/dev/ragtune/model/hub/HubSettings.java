package dev.ragtune.model.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the hub is and who we are, read the way {@code huggingface_hub} reads them.
 *
 * @param endpoint base URL, from {@code HF_ENDPOINT}, default {@code https://huggingface.co} (no trailing slash)
 * @param token    access token, from {@code HF_TOKEN}, else the file {@code $HF_HOME/token}, else
 *                 {@code ~/.cache/huggingface/token}; sent as {@code Authorization: Bearer} to the endpoint only
 */
public record HubSettings(URI endpoint, Optional<String> token) {
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubSettings {
        if (endpoint == null || endpoint.getScheme() == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("hub endpoint must be an absolute http(s) URL, was " + endpoint
                    + " (check HF_ENDPOINT)");
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) endpoint = URI.create(s.substring(0, s.length() - 1));
        token = token == null ? Optional.empty() : token.map(String::strip).filter(t -> !t.isEmpty());
    }

    /** Settings from the process environment and the user's home. */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** Settings from the given environment variables and home folder (testable form of {@link #fromEnvironment()}). */
    public static HubSettings fromEnvironment(Map<String, String> env, Path home) {
        String ep = env.getOrDefault("HF_ENDPOINT", "").strip();
        URI endpoint;
        try {
            endpoint = URI.create(ep.isEmpty() ? DEFAULT_ENDPOINT : ep);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("HF_ENDPOINT='" + ep + "' is not a URL", e);
        }
        String token = env.getOrDefault("HF_TOKEN", "").strip();
        if (token.isEmpty()) {
            String hfHome = env.getOrDefault("HF_HOME", "").strip();
            Path file = hfHome.isEmpty() ? home.resolve(".cache/huggingface/token") : Path.of(hfHome, "token");
            if (Files.isRegularFile(file)) {
                try {
                    token = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the hub token file " + file, e);
                }
            }
        }
        return new HubSettings(endpoint, Optional.of(token));
    }
}
