package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private static final TokenCounter WORDS = new WhitespaceTokenCounter();
    private static final Document DOC = new Document("notes/a.txt", "/data/notes/a.txt", "A", Language.ENGLISH, Map.of());

    private static final String FIVE_SENTENCES = "One two three. Four five six seven. Eight nine. "
            + "Ten eleven twelve thirteen fourteen. Fifteen.";

    @Test
    void sentencesArePackedGreedilyByHand() {
        // sentence sizes 3, 4, 2, 5, 1; budget 8; overlap 3 is smaller than the 4-word sentence, so none repeats
        List<Chunk> chunks = new Chunker(WORDS, 8, 3).chunk(DOC, new Section(0, 0, FIVE_SENTENCES), 0);
        assertThat(chunks).extracting(Chunk::text).containsExactly(
                "One two three. Four five six seven.",
                "Eight nine. Ten eleven twelve thirteen fourteen. Fifteen.");
    }

    @Test
    void trailingSentencesUpToTheOverlapRepeatByHand() {
        // overlap 4: the 4-word sentence repeats, then the 2-word one (adding the 4-word one too would be 6 > 4)
        List<Chunk> chunks = new Chunker(WORDS, 8, 4).chunk(DOC, new Section(0, 0, FIVE_SENTENCES), 0);
        assertThat(chunks).extracting(Chunk::text).containsExactly(
                "One two three. Four five six seven.",
                "Four five six seven. Eight nine.",
                "Eight nine. Ten eleven twelve thirteen fourteen. Fifteen.");
        assertThat(chunks).extracting(Chunk::id).containsExactly("notes/a.txt#0", "notes/a.txt#1", "notes/a.txt#2");
    }

    @Test
    void offsetsAndFieldsComeFromTheSectionAndDocument() {
        Section section = new Section(3, 1000, "  Alpha beta.\n\nGamma delta.  ");
        List<Chunk> chunks = new Chunker(WORDS, 2, 1).chunk(DOC, section, 7);
        assertThat(chunks).containsExactly(
                new Chunk("notes/a.txt#7", "notes/a.txt", "/data/notes/a.txt", 3, 1002, 1013, "A", "Alpha beta."),
                new Chunk("notes/a.txt#8", "notes/a.txt", "/data/notes/a.txt", 3, 1015, 1027, "A", "Gamma delta."));
    }

    @Test
    void blankLinesEndSentencesButSingleLineBreaksDoNot() {
        String text = "A sentence wrapped\nover two lines. Next one\n\nHeading\r\n\r\nBody here.";
        assertThat(Chunker.markParagraphs(text))
                .isEqualTo("A sentence wrapped\nover two lines. Next one\u2029\u2029Heading\r\u2029\r\u2029Body here.");
        // budget 6 fits the wrapped 6-word sentence; "Next one" and "Heading" are separate sentences
        List<Chunk> chunks = new Chunker(WORDS, 6, 1).chunk(DOC, new Section(0, 0, text), 0);
        assertThat(chunks).extracting(Chunk::text).containsExactly(
                "A sentence wrapped\nover two lines.", "Next one\n\nHeading\r\n\r\nBody here.");
        List<Chunk> small = new Chunker(WORDS, 2, 1).chunk(DOC, new Section(0, 0, "Next one\n\nHeading\n\nBody here."), 0);
        assertThat(small).extracting(Chunk::text).containsExactly("Next one", "Heading", "Body here.");
    }

    @Test
    void aLongSentenceSplitsAtLineEndsBeforeWords() {
        String text = "one two three\nfour five six\nseven eight nine";
        List<Chunk> chunks = new Chunker(WORDS, 7, 1).chunk(DOC, new Section(0, 0, text), 0);
        assertThat(chunks).extracting(Chunk::text).containsExactly("one two three\nfour five six", "seven eight nine");
    }

    @Test
    void whitespaceOnlySectionsGiveNoChunks() {
        assertThat(new Chunker(WORDS).chunk(DOC, new Section(0, 0, " \n\t\n "), 0)).isEmpty();
        assertThat(new Chunker(WORDS).chunk(DOC, new Section(0, 0, ""), 0)).isEmpty();
    }

    @Test
    void aSentenceOverTheBudgetIsSplitAtWordBoundaries() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 53; i++) s.append("word").append(i).append(i % 7 == 6 ? ", " : " ");
        String text = s.toString().strip() + ".";
        List<Chunk> chunks = new Chunker(WORDS, 10, 3).chunk(DOC, new Section(0, 0, text), 0);
        assertThat(chunks).hasSizeGreaterThanOrEqualTo(6);
        for (Chunk c : chunks) {
            assertThat(WORDS.count(c.text())).isLessThanOrEqualTo(10);
            assertThat(c.start() == 0 || !Character.isLetterOrDigit(text.charAt(c.start() - 1))).isTrue();
            assertThat(c.end() == text.length() || !Character.isLetterOrDigit(text.charAt(c.end()))).isTrue();
        }
        assertCovered(text, chunks, 0);
    }

    @Test
    void aSingleWordOverTheBudgetIsCutByCharactersAsTheOnlyException() {
        TokenCounter fourCharsPerToken = t -> (t.strip().length() + 3) / 4;
        String blob = "x".repeat(100);
        String text = "Short intro. " + blob + " Tail.";
        List<Chunk> chunks = new Chunker(fourCharsPerToken, 10, 2).chunk(DOC, new Section(0, 0, text), 0);
        for (Chunk c : chunks) {
            assertThat(fourCharsPerToken.count(c.text())).isLessThanOrEqualTo(10);
            assertThat(text.substring(c.start(), c.end())).isEqualTo(c.text());
        }
        assertCovered(text, chunks, 0);
    }

    @Test
    void eachSentenceIsCountedOnceAndEachChunkOnceMore() {
        StringBuilder text = new StringBuilder();
        int sentences = 300;
        for (int i = 0; i < sentences; i++) text.append("Sentence number ").append(i).append(" is here. ");
        AtomicInteger calls = new AtomicInteger();
        TokenCounter counting = t -> {
            calls.incrementAndGet();
            return WORDS.count(t);
        };
        List<Chunk> chunks = new Chunker(counting, 50, 10).chunk(DOC, new Section(0, 0, text.toString()), 0);
        assertThat(calls.get()).isEqualTo(sentences + chunks.size());
    }

    @Test
    void aNonAdditiveTokenizerStillNeverExceedsTheBudget() {
        // every sentence boundary inside a text costs 2 extra tokens, so sums of sentence counts undercount chunks
        TokenCounter glue = t -> {
            int periods = (int) t.strip().chars().filter(c -> c == '.').count();
            return WORDS.count(t) + 2 * Math.max(0, periods - 1);
        };
        String text = "A b c. D e f. G h i. J k l. M n o. P q r. S t u. V w x. Y z a. B c d.";
        List<Chunk> chunks = new Chunker(glue, 10, 3).chunk(DOC, new Section(0, 0, text), 0);
        assertThat(chunks).allSatisfy(c -> assertThat(glue.count(c.text())).isLessThanOrEqualTo(10));
        assertCovered(text, chunks, 0);
    }

    @Test
    void parametersAreValidated() {
        assertThatThrownBy(() -> new Chunker(WORDS, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunker(WORDS, 10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Chunker(WORDS, 10, 10)).hasMessageContaining("overlapTokens must be > 0 and < chunkTokens");
        assertThatThrownBy(() -> new Chunker(null, 10, 2)).isInstanceOf(NullPointerException.class);
        Chunker defaults = new Chunker(WORDS);
        assertThat(defaults.chunkTokens()).isEqualTo(200);
        assertThat(defaults.overlapTokens()).isEqualTo(32);
    }

    @Test
    void visitorNumbersChunksAcrossPagesAndNeverSpansTwo() throws IOException {
        List<Chunk> all = new ArrayList<>();
        List<String> ends = new ArrayList<>();
        DocumentVisitor v = new Chunker(WORDS, 6, 2).visitor(new ChunkSink() {
            @Override
            public void accept(Document document, List<Chunk> chunks) {
                all.addAll(chunks);
            }

            @Override
            public void endDocument(Document document, int chunkCount) {
                ends.add(document.id() + "=" + chunkCount);
            }
        });
        Document pdf = new Document("p.pdf", "p.pdf", "P", Language.ENGLISH, Map.of());
        String page1 = "Page one has words. It ends mid";
        String page2 = "sentence here. Then more text follows.";
        v.startDocument(pdf);
        v.section(new Section(1, 0, page1));
        v.section(new Section(2, 0, page2));
        v.endDocument(pdf);
        v.startDocument(DOC);
        v.section(new Section(0, 0, "Other doc."));
        v.endDocument(DOC);

        assertThat(all.subList(0, all.size() - 1)).extracting(Chunk::id)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, all.size() - 1).mapToObj(i -> "p.pdf#" + i).toList());
        assertThat(all.get(all.size() - 1).id()).isEqualTo("notes/a.txt#0");
        for (Chunk c : all.subList(0, all.size() - 1)) {
            String pageText = c.page() == 1 ? page1 : page2;
            assertThat(pageText.substring(c.start(), c.end())).isEqualTo(c.text());
        }
        assertThat(ends).containsExactly("p.pdf=" + (all.size() - 1), "notes/a.txt=1");
    }

    @RepeatedTest(25)
    void randomTextsKeepEveryChunkInvariant(org.junit.jupiter.api.RepetitionInfo rep) {
        Random rnd = new Random(rep.getCurrentRepetition() * 7919L);
        String text = randomText(rnd, 50 + rnd.nextInt(400));
        int budget = 5 + rnd.nextInt(60);
        int overlap = 1 + rnd.nextInt(budget - 1);
        int offset = rnd.nextInt(1000);
        List<Chunk> chunks = new Chunker(WORDS, budget, overlap).chunk(DOC, new Section(0, offset, text), 0);
        checkInvariants(text, offset, chunks, WORDS, budget);
        for (Chunk c : chunks) {
            int s = c.start() - offset;
            int e = c.end() - offset;
            assertThat(s == 0 || !Character.isLetterOrDigit(text.charAt(s - 1)) || !Character.isLetterOrDigit(text.charAt(s)))
                    .as("starts inside a word: %s", c).isTrue();
            assertThat(e == text.length() || !Character.isLetterOrDigit(text.charAt(e)) || !Character.isLetterOrDigit(text.charAt(e - 1)))
                    .as("ends inside a word: %s", c).isTrue();
        }
        for (int i = 1; i < chunks.size(); i++) {
            Chunk prev = chunks.get(i - 1);
            Chunk cur = chunks.get(i);
            assertThat(cur.start()).isGreaterThan(prev.start());
            assertThat(cur.end()).isGreaterThan(prev.end());
            if (cur.start() < prev.end()) { // the repeated part fits the overlap budget
                assertThat(WORDS.count(text.substring(cur.start() - offset, prev.end() - offset))).isLessThanOrEqualTo(overlap);
            }
        }
    }

    /** Chunk invariants every test of real or random text checks. */
    static void checkInvariants(String sectionText, int offset, List<Chunk> chunks, TokenCounter counter, int budget) {
        for (Chunk c : chunks) {
            assertThat(sectionText.substring(c.start() - offset, c.end() - offset)).isEqualTo(c.text());
            assertThat(c.text()).isNotBlank();
            assertThat(Character.isWhitespace(c.text().charAt(0))).isFalse();
            assertThat(Character.isWhitespace(c.text().charAt(c.text().length() - 1))).isFalse();
            assertThat(counter.count(c.text())).as("tokens of %s", c.id()).isLessThanOrEqualTo(budget);
        }
        assertCovered(sectionText, chunks, offset);
    }

    /** Every non-whitespace character of the section is in some chunk. */
    static void assertCovered(String text, List<Chunk> chunks, int offset) {
        boolean[] covered = new boolean[text.length()];
        for (Chunk c : chunks) {
            for (int i = c.start() - offset; i < c.end() - offset; i++) covered[i] = true;
        }
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                assertThat(covered[i]).as("char %d '%s' not in any chunk", i, text.charAt(i)).isTrue();
            }
        }
    }

    private static String randomText(Random rnd, int words) {
        String[] ends = {". ", "? ", "! ", ".\n", ".\n\n", " ", " ", " ", " ", " ", ", ", "\n"};
        StringBuilder sb = new StringBuilder(rnd.nextBoolean() ? "  " : "");
        for (int i = 0; i < words; i++) {
            String w = rnd.nextInt(20) == 0 ? "ção" : Integer.toString(rnd.nextInt(1 << 20), 36);
            sb.append(i == 0 || sb.charAt(sb.length() - 2) == '.' ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w);
            sb.append(ends[rnd.nextInt(ends.length)]);
        }
        return sb.toString();
    }
}
