package dev.ragtune.app.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReplyCutTest {
    /** Words are tokens. */
    static final ToIntFunction<String> WORDS = t -> t.isBlank() ? 0 : t.strip().split("\\s+").length;

    static List<String> releases(List<String> stops, Integer max, String... pieces) {
        ReplyCut cut = new ReplyCut(stops, max, WORDS);
        List<String> out = new ArrayList<>();
        for (String p : pieces) out.add(cut.next(p));
        out.add(cut.finish());
        return out;
    }

    @Test
    void aStopSequenceSpanningTwoPiecesIsNeverSent() {
        assertThat(releases(List.of("lies"), null, "It li", "es on the Seine.")).containsExactly("It ", "", "");
        // a tail that only looked like the start of a stop sequence goes out with the next piece
        assertThat(releases(List.of("lies"), null, "It li", "ves on.")).containsExactly("It ", "lives on.", "");
    }

    @Test
    void theEarliestOfSeveralStopSequencesWins() {
        assertThat(String.join("", releases(List.of("lies", "."), null, "Paris is the capital of France", ". It lies")))
                .isEqualTo("Paris is the capital of France");
    }

    @Test
    void maxTokensKeepsWholeWordsAndWaitsForAWordToEnd() {
        ReplyCut cut = new ReplyCut(List.of(), 3, WORDS);
        assertThat(cut.next("Paris is th")).isEqualTo("Paris is");
        assertThat(cut.next("e capital of")).isEqualTo(" the");
        assertThat(cut.finish()).isEmpty();
        assertThat(cut.finishReason()).isEqualTo("length");
    }

    @Test
    void aReplyWithinMaxTokensIsKeptWholeWithItsTrailingSpace() {
        ReplyCut cut = new ReplyCut(List.of("Seine"), 9, WORDS);
        String joined = cut.next("It lies on the Se") + cut.next("ine.") + cut.finish();
        assertThat(joined).isEqualTo("It lies on the ");
        assertThat(cut.finishReason()).isEqualTo("stop");
    }

    /** The reply cut in one go, the plain way: before the first stop, then the longest fitting run of words. */
    static String reference(String text, List<String> stops, Integer max) {
        int first = -1;
        for (String s : stops) {
            int at = text.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        if (first >= 0) text = text.substring(0, first);
        if (max == null || WORDS.applyAsInt(text) <= max) return text;
        Matcher word = Pattern.compile("\\S+").matcher(text);
        for (int i = 0; i < max; i++) word.find();
        return text.substring(0, word.end()); // through the max-th word
    }

    @Test
    void anyCutIntoPiecesGivesTheReplyCutInOneGo() {
        Random random = new Random(11);
        String alphabet = "ab .\n";
        for (int trial = 0; trial < 5000; trial++) {
            StringBuilder text = new StringBuilder("a");
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            List<String> stops = random.nextBoolean() ? List.of() : List.of("b.a", "ab a".substring(random.nextInt(3)));
            Integer max = random.nextBoolean() ? null : 1 + random.nextInt(5);
            ReplyCut cut = new ReplyCut(stops, max, WORDS);
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (at < text.length()) {
                int next = Math.min(text.length(), at + 1 + random.nextInt(4));
                joined.append(cut.next(text.substring(at, next)));
                at = next;
            }
            joined.append(cut.finish());
            assertThat(joined.toString()).as("'%s' stops %s max %s", text, stops, max)
                    .isEqualTo(reference(text.toString(), stops, max));
        }
    }
}
