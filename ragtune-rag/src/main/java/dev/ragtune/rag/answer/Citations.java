package dev.ragtune.rag.answer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds which contexts an answer came from: the markers the model wrote, else word overlap. */
final class Citations {
    private static final Pattern MARKER = Pattern.compile("\\[(\\d+(?:\\s*[,;]\\s*\\d+)*)\\]");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    /** A context is credited when its overlap is at least this share of the best context's. */
    static final double SHARE_OF_BEST = 0.8;

    private Citations() {}

    /** Numbers in {@code [n]} / {@code [n, m]} markers that name a context in the prompt, in order of first mention. */
    static List<Integer> parse(String answer, int contexts) {
        Set<Integer> out = new LinkedHashSet<>();
        Matcher m = MARKER.matcher(answer);
        while (m.find()) {
            for (String part : m.group(1).split("[,;]")) {
                int n = Integer.parseInt(part.trim());
                if (n >= 1 && n <= contexts) out.add(n);
            }
        }
        return new ArrayList<>(out);
    }

    /** The answer without citation markers. */
    static String strip(String answer) {
        return tidy(withoutMarkers(answer));
    }

    /** {@code text} with every complete {@code [n]} / {@code [n, m]} marker taken out, nothing else changed. */
    static String withoutMarkers(String text) {
        return MARKER.matcher(text).replaceAll("");
    }

    /** No white space before punctuation, runs of white space as one space, none at either end. */
    static String tidy(String text) {
        return text.replaceAll("\\s+([.,;:!?])", "$1").replaceAll("\\s{2,}", " ").strip();
    }

    /**
     * Where the last {@code [} of {@code text} starts a marker that is not finished yet (e.g. {@code "… [1, 2"}), or
     * -1 when text that follows cannot make a marker of anything in {@code text} that is not one already.
     */
    static int openMarker(CharSequence text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (text.charAt(i) != '[') continue;
            Matcher m = MARKER.matcher(text).region(i, text.length());
            return !m.lookingAt() && m.hitEnd() ? i : -1;
        }
        return -1;
    }

    /**
     * Contexts credited by word overlap: the share of the answer's words (accents folded, lower case) found in each
     * context; the best one and any within {@link #SHARE_OF_BEST} of it are credited, none if nothing overlaps.
     */
    static List<Integer> byOverlap(String answer, List<Context> contexts) {
        List<String> words = words(answer);
        if (words.isEmpty()) return List.of();
        double[] share = new double[contexts.size()];
        double best = 0;
        for (int i = 0; i < contexts.size(); i++) {
            Map<String, Integer> bag = new HashMap<>();
            for (String w : words(contexts.get(i).text())) bag.merge(w, 1, Integer::sum);
            int hit = 0;
            for (String w : words) {
                Integer left = bag.get(w);
                if (left != null && left > 0) {
                    hit++;
                    bag.put(w, left - 1);
                }
            }
            share[i] = (double) hit / words.size();
            best = Math.max(best, share[i]);
        }
        List<Integer> out = new ArrayList<>();
        if (best == 0) return out;
        for (int i = 0; i < contexts.size(); i++) {
            if (share[i] >= SHARE_OF_BEST * best) out.add(contexts.get(i).n());
        }
        return out;
    }

    /** Content words: accents folded, lower case, without the commonest Portuguese and English function words. */
    static List<String> words(String text) {
        String folded = Normalizer.normalize(text, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(folded);
        while (m.find()) {
            if (!STOP_WORDS.contains(m.group())) out.add(m.group());
        }
        return out;
    }

    private static final Set<String> STOP_WORDS = Set.of(
            "a", "o", "as", "os", "um", "uma", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "nos", "nas",
            "que", "se", "por", "para", "com", "ao", "aos", "ou", "nao", "mais", "como", "the", "an", "of", "to",
            "and", "or", "in", "on", "for", "with", "is", "are", "it", "that", "this", "by", "be", "at");
}
