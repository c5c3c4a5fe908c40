package dev.ragtune.app.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * One quantity measured for ragtune and for the anchor in the same command's interleaved rounds (medians), and how
 * many times faster ragtune is: a rate divided by the anchor's, or the anchor's time divided by ragtune's.
 */
record SideBySide(String what, String unit, boolean higherIsFaster, double ragtune, double anchor) {
    static SideBySide rate(String what, String unit, double ragtune, double anchor) {
        return new SideBySide(what, unit, true, ragtune, anchor);
    }

    static SideBySide time(String what, String unit, double ragtune, double anchor) {
        return new SideBySide(what, unit, false, ragtune, anchor);
    }

    /** ragtune's speed over the anchor's (> 1: ragtune is faster). */
    double speedup() {
        return higherIsFaster ? ragtune / anchor : anchor / ragtune;
    }

    String line() {
        return String.format(Locale.ROOT, "%s: ragtune %s %s, anchor %s %s -> ragtune %.2fx %s", what, fmt(ragtune),
                unit, fmt(anchor), unit, speedup(), higherIsFaster ? "(rate / rate)" : "(anchor time / ragtune time)");
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }

    /** Median of the rounds (the mean of the middle two for an even count). */
    static double median(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] s = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
