package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextBlocksTest {
    @Test
    void cutPrefersBlankLineThenLineBreakThenSentenceEndThenAnySpace() {
        // 32 chars; candidates only in the upper half count
        assertThat(TextBlocks.cut("aaaaaaaaaaaaaaaaa\n\nbbb\nccc. ddd e")).isEqualTo(19);  // after the blank line
        assertThat(TextBlocks.cut("aaaaaaaaaaaaaaaaaaaaa\nbbb. ccc ddd")).isEqualTo(22);  // after the line break
        assertThat(TextBlocks.cut("aaaaaaaaaaaaaaaaaaaaa bbb. cc dd e")).isEqualTo(27); // after ". "
        assertThat(TextBlocks.cut("aaaaaaaaaaaaaaaaaaaaaaaaa bbb ccc")).isEqualTo(30);  // after the last space
        assertThat(TextBlocks.cut("aa\n\naaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isEqualTo(32);  // blank line too early: hard cut
        assertThat(TextBlocks.cut("aaaaaaaaaaaaaaaaaaaaa\r\n\r\nbbbbbb")).isEqualTo(25); // CRLF blank line
    }

    @Test
    void hardCutNeverSplitsASurrogatePair() {
        String s = "x".repeat(31) + "\uD83D"; // high surrogate last
        assertThat(TextBlocks.cut(s)).isEqualTo(31);
    }

    @Test
    void randomTextsAreCoveredExactlyOnceInOrder() throws IOException {
        Random rnd = new Random(42);
        for (int round = 0; round < 50; round++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(5000);
            int[] alphabet = "ab \n.😀ç".codePoints().toArray(); // includes a surrogate pair
            for (int i = 0; i < n; i++) sb.appendCodePoint(alphabet[rnd.nextInt(alphabet.length)]);
            String text = sb.toString();
            List<String> blocks = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            long total = new TextBlocks(16 + rnd.nextInt(300)).split(new StringReader(text), "f", (o, t) -> {
                offsets.add(o);
                blocks.add(t);
            });
            assertThat(total).isEqualTo(text.length());
            assertThat(String.join("", blocks)).isEqualTo(text);
            int expected = 0;
            for (int i = 0; i < blocks.size(); i++) {
                assertThat(offsets.get(i)).isEqualTo(expected);
                assertThat(blocks.get(i)).isNotEmpty();
                assertThat(Character.isHighSurrogate(blocks.get(i).charAt(blocks.get(i).length() - 1))).isFalse();
                expected += blocks.get(i).length();
            }
        }
    }
}
