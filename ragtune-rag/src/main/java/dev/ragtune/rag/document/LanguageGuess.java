package dev.ragtune.rag.document;

import java.util.Locale;
import java.util.Set;

/**
 * Guesses Portuguese vs English by counting frequent function words of each language in the first
 * {@value #SAMPLE_CHARS} characters. Words spelled the same in both (a, as, no, do, me) are not counted.
 *
 * <p>Sharp edge: anything that is not clearly Portuguese, including other languages and text without prose
 * (code, tables of numbers), comes out as English.
 */
public final class LanguageGuess {
    /** Only this many leading characters are looked at. */
    public static final int SAMPLE_CHARS = 20_000;

    /** Fewer Portuguese function words than this and the guess stays English. */
    static final int MIN_HITS = 3;

    private static final Set<String> PORTUGUESE = Set.of(
            "de", "que", "não", "para", "com", "uma", "os", "da", "em", "um", "na", "se", "por", "mais", "dos",
            "das", "ao", "aos", "é", "são", "como", "mas", "foi", "ele", "ela", "eles", "elas", "seu", "sua", "seus",
            "suas", "ou", "quando", "muito", "nos", "nas", "já", "também", "só", "pelo", "pela", "pelos", "pelas",
            "até", "isso", "isto", "entre", "depois", "sem", "mesmo", "quem", "esse", "essa", "este", "esta",
            "você", "vocês", "num", "numa", "nem", "às", "qual", "será", "pode", "sobre", "está", "ser", "ter",
            "há", "ainda", "onde", "cada", "porque", "então", "assim", "todos", "todas", "lei", "seja");

    private static final Set<String> ENGLISH = Set.of(
            "the", "of", "and", "to", "in", "is", "that", "for", "it", "with", "was", "on", "are", "be", "by",
            "this", "from", "at", "or", "an", "which", "have", "has", "not", "but", "were", "they", "their", "we",
            "you", "can", "will", "its", "these", "been", "more", "also", "than", "when", "there", "what", "would",
            "should", "into", "how", "our", "if", "each", "other", "such", "only", "use", "used", "between");

    private LanguageGuess() {
    }

    /** The more likely of Portuguese and English for {@code text}; English when unsure or empty. */
    public static Language of(CharSequence text) {
        int limit = Math.min(text.length(), SAMPLE_CHARS);
        int pt = 0;
        int en = 0;
        int i = 0;
        while (i < limit) {
            while (i < limit && !Character.isLetter(text.charAt(i))) i++;
            int start = i;
            while (i < limit && Character.isLetter(text.charAt(i))) i++;
            if (i > start && i - start <= 7) {
                String word = text.subSequence(start, i).toString().toLowerCase(Locale.ROOT);
                if (PORTUGUESE.contains(word)) pt++;
                else if (ENGLISH.contains(word)) en++;
            }
        }
        return pt >= MIN_HITS && pt > en ? Language.PORTUGUESE : Language.ENGLISH;
    }
}
