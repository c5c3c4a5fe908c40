package dev.ragtune.app.web;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who may call the server, after OWASP's advice for a local web service: a token when one is set (every API call
 * carries {@code Authorization: Bearer}), no state-changing request from another origin (the browser's
 * {@code Origin} and {@code Sec-Fetch-Site} say where it comes from), and no request whose {@code Host} is not a name
 * of the server (DNS rebinding turns a foreign name into 127.0.0.1).
 *
 * @param token        the shared secret, or null when the API is open
 * @param allowedHosts host names a request may address (lower case); empty allows any (a wildcard bind)
 */
record AccessPolicy(String token, Set<String> allowedHosts) {
    /** Why a request is refused: the HTTP status and the one-line message. */
    record Refusal(int status, String error, String message) {}

    AccessPolicy {
        if (token != null && token.isBlank()) throw new IllegalArgumentException("--token is empty");
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /**
     * The policy for a server bound to {@code host}: loopback accepts {@code localhost} and the loopback addresses,
     * a specific address accepts itself, a wildcard ({@code 0.0.0.0}, {@code ::}) any name; {@code extraNames} are
     * the names users reach it by (behind a proxy or DNS).
     */
    static AccessPolicy forBind(String host, String token, Set<String> extraNames) {
        Set<String> names = new HashSet<>();
        for (String n : extraNames) names.add(strip(n.toLowerCase(Locale.ROOT)));
        if (isWildcard(host)) {
            return new AccessPolicy(token, names);
        }
        names.add(strip(host.toLowerCase(Locale.ROOT)));
        if (isLoopback(host)) {
            names.add("localhost");
            names.add("127.0.0.1");
            names.add("::1");
        }
        return new AccessPolicy(token, names);
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
    }

    /** True when {@code host} names or resolves to a loopback address only. */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) return true;
        try {
            for (InetAddress a : InetAddress.getAllByName(strip(host))) {
                if (!a.isLoopbackAddress()) return false;
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * The refusal for a request, or null when it may pass.
     *
     * @param api           true for the API (token checked); the page and its assets are public
     * @param changesState  true for POST, PUT, PATCH, DELETE
     * @param host          the {@code Host} header
     * @param origin        the {@code Origin} header, or null
     * @param fetchSite     the {@code Sec-Fetch-Site} header, or null
     * @param authorization the {@code Authorization} header, or null
     */
    Refusal check(boolean api, boolean changesState, String host, String origin, String fetchSite, String authorization) {
        if (!allowedHosts.isEmpty() && (host == null || !allowedHosts.contains(hostName(host)))) {
            return new Refusal(403, "forbidden", "the Host '" + host + "' is not a name of this server (allowed: "
                    + String.join(", ", allowedHosts.stream().sorted().toList()) + "); start it with --allow-host NAME "
                    + "to reach it by another name");
        }
        if (changesState) {
            if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
                return new Refusal(403, "forbidden", "a " + fetchSite + " request may not change anything here: "
                        + "only this server's own page (or a client without a browser) may upload or delete");
            }
            if (origin != null && !sameOrigin(origin, host)) {
                return new Refusal(403, "forbidden", "requests from origin " + origin + " may not change anything "
                        + "here: only this server's own page (or a client without a browser) may upload or delete");
            }
        }
        if (api && token != null && !tokenMatches(authorization)) {
            return new Refusal(401, "unauthorized", authorization == null
                    ? "this server needs a token: send 'Authorization: Bearer TOKEN' (the --token it was started with)"
                    : "the token is wrong: send 'Authorization: Bearer TOKEN' with the --token the server was started with");
        }
        return null;
    }

    private boolean tokenMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8));
    }

    /** True when the browser's origin is this very host and port. */
    private static boolean sameOrigin(String origin, String host) {
        if (origin.equals("null") || host == null) return false;
        try {
            URI o = URI.create(origin);
            if (o.getHost() == null) return false;
            int port = o.getPort() != -1 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            String expected = o.getHost().toLowerCase(Locale.ROOT) + ":" + port;
            String h = host.toLowerCase(Locale.ROOT);
            if (!h.matches(".*:\\d+$")) h = h + ":80";
            return h.equals(expected);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The name part of a {@code Host} header (without port and IPv6 brackets), lower case. */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(1, end);
        }
        int colon = h.lastIndexOf(':');
        return colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h;
    }

    private static String strip(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }
}
