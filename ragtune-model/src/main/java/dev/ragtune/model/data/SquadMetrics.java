package dev.ragtune.model.data;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * SQuAD v1.1's official evaluation: answers are normalised (lower case, ASCII punctuation removed, English articles
 * a/an/the removed, whitespace collapsed); exact match compares the strings, F1 the token multisets; each score is
 * the maximum over the gold answers.
 */
public final class SquadMetrics {
    private static final Pattern ARTICLES = Pattern.compile("\\b(a|an|the)\\b");
    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    private SquadMetrics() {
    }

    public static String normalize(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder b = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) {
                b.append(c);
            }
        }
        String noArticles = ARTICLES.matcher(b).replaceAll(" ");
        return String.join(" ", noArticles.trim().split("\\s+")).trim();
    }

    public static double exactMatch(String prediction, List<String> golds) {
        String p = normalize(prediction);
        return golds.stream().anyMatch(g -> normalize(g).equals(p)) ? 1.0 : 0.0;
    }

    public static double f1(String prediction, List<String> golds) {
        return golds.stream().mapToDouble(g -> f1(prediction, g)).max().orElse(0);
    }

    static double f1(String prediction, String gold) {
        String[] p = tokens(prediction);
        String[] g = tokens(gold);
        Map<String, Integer> counts = new HashMap<>();
        for (String t : g) {
            counts.merge(t, 1, Integer::sum);
        }
        int common = 0;
        for (String t : p) {
            Integer c = counts.get(t);
            if (c != null && c > 0) {
                common++;
                counts.put(t, c - 1);
            }
        }
        if (common == 0) {
            return 0;
        }
        double precision = (double) common / p.length;
        double recall = (double) common / g.length;
        return 2 * precision * recall / (precision + recall);
    }

    private static String[] tokens(String s) {
        String n = normalize(s);
        return n.isEmpty() ? new String[0] : Arrays.stream(n.split(" ")).toArray(String[]::new);
    }
}
