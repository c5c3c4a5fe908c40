package dev.ragtune.rag.index;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** Parsing of string build parameters, failing on unknown keys and bad numbers with clear messages. */
final class IndexParams {
    private IndexParams() {}

    /** Throws if {@code params} has a key outside {@code allowed}. */
    static void reject(Map<String, String> params, String kind, String... allowed) {
        Set<String> ok = new HashSet<>(Arrays.asList(allowed));
        for (String key : params.keySet()) {
            if (!ok.contains(key)) {
                throw new IllegalArgumentException("unknown parameter '" + key + "' for a " + kind + " index"
                        + (allowed.length == 0 ? " (it takes none)" : "; known: " + String.join(", ", allowed)));
            }
        }
    }

    /** The int value of {@code key}, or {@code fallback} if absent; must be >= {@code min}. */
    static int intParam(Map<String, String> params, String key, int fallback, int min) {
        String v = params.get(key);
        if (v == null) return fallback;
        int x;
        try {
            x = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + key + " must be an integer, was '" + v + "'");
        }
        if (x < min) throw new IllegalArgumentException("parameter " + key + " must be >= " + min + ", was " + x);
        return x;
    }
}
