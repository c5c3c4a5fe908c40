package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnswerTextStreamTest {

    /** What each piece released, then what finish released, as a list. */
    static List<String> releases(String... pieces) {
        AnswerTextStream s = new AnswerTextStream();
        List<String> out = new ArrayList<>();
        for (String p : pieces) out.add(s.next(p));
        out.add(s.finish());
        return out;
    }

    @Test
    void aMarkerSplitAcrossPiecesIsHeldThenDropped() {
        assertThat(releases("Dropout switches off [", "1] random", " neurons [2", ", 3].", " Done"))
                .containsExactly("Dropout switches off", " random", " neurons", ".", " Done", "");
    }

    @Test
    void anOpenBracketThatIsNoMarkerIsReleasedOnceItCannotBeOne() {
        assertThat(releases("see [", "a] and [1", "x]")).containsExactly("see", " [a] and", " [1x]", "");
    }

    @Test
    void trailingWhiteSpaceWaitsForWhatFollowsIt() {
        // before punctuation it goes, between words runs become one space, at the end it is trimmed
        assertThat(releases("  Paris ", " ,", " the\n\n", "capital ")).containsExactly("Paris", ",", " the", " capital",
                "");
        assertThat(releases("It is ", "")).containsExactly("It is", "", "");
    }

    @Test
    void anyCutOfAnyTextJoinsToTheAnswersText() {
        Random random = new Random(7);
        String alphabet = "ab1,; .\n[]?";
        for (int trial = 0; trial < 5000; trial++) {
            StringBuilder text = new StringBuilder();
            int n = random.nextInt(25);
            for (int i = 0; i < n; i++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            AnswerTextStream s = new AnswerTextStream();
            StringBuilder joined = new StringBuilder();
            int at = 0;
            while (at < text.length()) {
                int next = Math.min(text.length(), at + 1 + random.nextInt(4));
                joined.append(s.next(text.substring(at, next)));
                at = next;
            }
            joined.append(s.finish());
            assertThat(joined.toString()).as("'%s'", text).isEqualTo(Citations.strip(text.toString()));
        }
    }
}
