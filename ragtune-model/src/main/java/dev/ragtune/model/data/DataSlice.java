package dev.ragtune.model.data;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Hugging Face datasets split slice: {@code train}, {@code train[:2%]}, {@code validation[10%:20%]},
 * {@code [100:200]}, {@code [-50:]}. Percent bounds round to the nearest example (HF's default "closest" rounding);
 * negative bounds count from the end. The split name is informational: the file given IS that split.
 *
 * @param start  start bound, or null for the beginning
 * @param end    end bound (exclusive), or null for the end
 */
public record DataSlice(String split, Bound start, Bound end) {
    private static final Pattern SYNTAX = Pattern.compile("\\s*([A-Za-z0-9_.-]*)\\s*(?:\\[\\s*([^:\\]]*)\\s*:\\s*([^\\]]*)\\s*\\])?\\s*");

    /** A bound: an absolute index or a percentage. */
    public record Bound(double value, boolean percent) {
        int resolve(int n) {
            double v = percent ? Math.rint(n * value / 100.0) : value; // Python round(): half to even
            long i = (long) v;
            if (i < 0) {
                i += n;
            }
            return (int) Math.max(0, Math.min(n, i));
        }
    }

    public static final DataSlice ALL = new DataSlice("", null, null);

    public static DataSlice parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return ALL;
        }
        Matcher m = SYNTAX.matcher(spec);
        if (!m.matches()) {
            throw new IllegalArgumentException("Bad split '" + spec + "'; use e.g. train, train[:2%], [100:200]");
        }
        return new DataSlice(m.group(1), bound(m.group(2), spec), bound(m.group(3), spec));
    }

    private static Bound bound(String s, String spec) {
        if (s == null || s.isBlank()) {
            return null;
        }
        s = s.trim();
        boolean pct = s.endsWith("%");
        try {
            double v = Double.parseDouble(pct ? s.substring(0, s.length() - 1) : s);
            if (!pct && v != Math.rint(v)) {
                throw new NumberFormatException();
            }
            return new Bound(v, pct);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad slice bound '" + s + "' in split '" + spec
                    + "'; use an integer or a percentage like 2%");
        }
    }

    /** [from, to) of a dataset of {@code n} examples. */
    public int[] range(int n) {
        int from = start == null ? 0 : start.resolve(n);
        int to = end == null ? n : end.resolve(n);
        return new int[] {from, Math.max(from, to)};
    }

    public <T> java.util.List<T> apply(java.util.List<T> all) {
        int[] r = range(all.size());
        return all.subList(r[0], r[1]);
    }
}
