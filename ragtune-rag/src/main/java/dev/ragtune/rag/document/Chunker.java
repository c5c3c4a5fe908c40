package dev.ragtune.rag.document;

import java.io.IOException;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Packs a document's sentences into chunks of at most {@code chunkTokens} tokens, repeating about
 * {@code overlapTokens} tokens of trailing sentences at the start of the next chunk.
 *
 * <p>How: each section is split into sentences with {@link BreakIterator#getSentenceInstance} for the document's
 * locale; each sentence is counted once. A sentence over the budget is split at line ends, then between
 * whitespace-separated words, then at {@link BreakIterator#getWordInstance} boundaries, each piece counted once. Sentences (or word runs) are added to a chunk
 * while the sum of their counts fits; the chunk's text is then counted once more to make sure (tokenizers are not
 * exactly additive in general) and trimmed by whole sentences if it does not fit. The next chunk starts at the
 * last sentences of the previous whose counts sum to at most {@code overlapTokens} (never the whole chunk, so every
 * chunk brings new text).
 *
 * <p>Guarantees: a chunk's text is exactly {@code section.text().substring(s, e)} where {@code s = start - offset}
 * and {@code e = end - offset}, begins and ends with a non-whitespace character, lies in one section (so one
 * page), and counts at most {@code chunkTokens}. Ids are {@code <docId>#<n>}, n from 0 in document order.
 *
 * <p>Sharp edge: a single word longer than the budget (a URL, a base64 blob) is the one thing cut inside a word,
 * at a character boundary. Single line breaks do not end sentences (wrapped PDF lines join up); blank lines do, so a
 * heading separated by a blank line is its own sentence, while lines of a list or code block without blank lines
 * between them form one sentence (split at line ends if over budget).
 *
 * <p>Thread-safe if the {@link TokenCounter} is.
 */
public final class Chunker {
    public static final int DEFAULT_CHUNK_TOKENS = 200;
    public static final int DEFAULT_OVERLAP_TOKENS = 32;

    private final TokenCounter counter;
    private final int chunkTokens;
    private final int overlapTokens;

    /** A chunker with {@value #DEFAULT_CHUNK_TOKENS}-token chunks and {@value #DEFAULT_OVERLAP_TOKENS} of overlap. */
    public Chunker(TokenCounter counter) {
        this(counter, DEFAULT_CHUNK_TOKENS, DEFAULT_OVERLAP_TOKENS);
    }

    /**
     * @param counter       counts tokens as the embedder will (without special tokens)
     * @param chunkTokens   most tokens in a chunk, > 0; leave room for special tokens below the embedder's window
     * @param overlapTokens tokens repeated from the previous chunk, > 0 and < chunkTokens
     */
    public Chunker(TokenCounter counter, int chunkTokens, int overlapTokens) {
        this.counter = Objects.requireNonNull(counter, "counter");
        if (chunkTokens <= 0) throw new IllegalArgumentException("chunkTokens must be > 0, was " + chunkTokens);
        if (overlapTokens <= 0 || overlapTokens >= chunkTokens) {
            throw new IllegalArgumentException("overlapTokens must be > 0 and < chunkTokens (" + chunkTokens
                    + "), was " + overlapTokens);
        }
        this.chunkTokens = chunkTokens;
        this.overlapTokens = overlapTokens;
    }

    public int chunkTokens() {
        return chunkTokens;
    }

    public int overlapTokens() {
        return overlapTokens;
    }

    /**
     * Chunks one section of {@code document}; the first chunk is numbered {@code firstIndex}. Use
     * {@link #visitor} to number across a whole document automatically.
     */
    public List<Chunk> chunk(Document document, Section section, int firstIndex) {
        String text = section.text();
        List<Unit> units = units(text, document.language());
        List<Chunk> chunks = new ArrayList<>();
        int n = firstIndex;
        int i = 0;
        while (i < units.size()) {
            int sum = 0;
            int j = i;
            while (j < units.size() && sum + units.get(j).tokens <= chunkTokens) sum += units.get(j++).tokens;
            if (j == i) j = i + 1; // a unit is never over budget by its own count; guard anyway
            // one exact count of the assembled text; drop trailing units while it is over budget
            while (j - i > 1 && counter.count(text.substring(units.get(i).start, units.get(j - 1).end)) > chunkTokens) {
                j--;
            }
            int start = units.get(i).start;
            int end = units.get(j - 1).end;
            chunks.add(new Chunk(document.id() + "#" + n++, document.id(), document.source(), section.page(),
                    section.offset() + start, section.offset() + end, document.title(), text.substring(start, end)));
            if (j == units.size()) break;
            int k = j;
            int overlap = 0;
            while (k - 1 > i && overlap + units.get(k - 1).tokens <= overlapTokens) overlap += units.get(--k).tokens;
            while (k < j && overlap + units.get(j).tokens > chunkTokens) overlap -= units.get(k++).tokens;
            i = k;
        }
        return chunks;
    }

    /**
     * A visitor that chunks every document a reader pushes and hands the chunks to {@code sink}, numbering them
     * from 0 per document across all its sections. Not thread-safe (one read at a time). Typical ingest loop:
     *
     * <pre>{@code
     * Chunker chunker = new Chunker(embedder);                       // the embedder counts its own tokens
     * DocumentVisitor chunking = chunker.visitor((doc, chunks) -> index.add(chunks));
     * for (Path file : files) {
     *     try {
     *         DocumentReaders.read(root, file, chunking);
     *     } catch (DocumentException e) {                             // bad file: report and go on
     *         log.warn(e.getMessage());
     *     }
     * }
     * }</pre>
     */
    public DocumentVisitor visitor(ChunkSink sink) {
        Objects.requireNonNull(sink, "sink");
        return new DocumentVisitor() {
            private Document current;
            private int next;

            @Override
            public void startDocument(Document document) {
                current = document;
                next = 0;
            }

            @Override
            public void section(Section section) throws IOException {
                if (current == null) throw new IllegalStateException("section before startDocument");
                List<Chunk> chunks = chunk(current, section, next);
                next += chunks.size();
                if (!chunks.isEmpty()) sink.accept(current, chunks);
            }

            @Override
            public void endDocument(Document document) throws IOException {
                sink.endDocument(document, next);
                current = null;
            }

            @Override
            public void warning(String file, String message) {
                sink.warning(file, message);
            }
        };
    }

    /** A run of text that is never split further: a sentence, or a run of words of an over-long sentence. */
    private record Unit(int start, int end, int tokens) {
    }

    private List<Unit> units(String text, Language language) {
        List<Unit> units = new ArrayList<>();
        BreakIterator sentences = BreakIterator.getSentenceInstance(language.locale());
        sentences.setText(markParagraphs(text));
        for (int s = sentences.first(), e = sentences.next(); e != BreakIterator.DONE; s = e, e = sentences.next()) {
            int a = skipSpace(text, s, e);
            int b = trimSpace(text, a, e);
            if (a == b) continue;
            int tokens = counter.count(text.substring(a, b));
            if (tokens <= chunkTokens) units.add(new Unit(a, b, tokens));
            else split(text, a, b, Split.LINES, language, units);
        }
        return units;
    }

    /** How an over-long piece is split, from coarse to fine. */
    private enum Split { LINES, WORDS, WORD_BREAKS }

    /**
     * Splits the over-long sentence {@code text[a, b)} into runs that fit the budget: runs of its lines; a line
     * over the budget into runs of whitespace-separated words; a word over the budget at {@link BreakIterator} word
     * boundaries (scripts without spaces, long compounds), and a single unbreakable piece by characters. Each piece
     * is counted once; a piece that is the whole of {@code text[a, b)} is known to be over and not recounted.
     */
    private void split(String text, int a, int b, Split level, Language language, List<Unit> units) {
        List<int[]> pieces = new ArrayList<>();
        if (level == Split.WORD_BREAKS) {
            BreakIterator words = BreakIterator.getWordInstance(language.locale());
            words.setText(text.substring(a, b));
            for (int s = words.first(), e = words.next(); e != BreakIterator.DONE; s = e, e = words.next()) {
                int ps = skipSpace(text, a + s, a + e);
                int pe = trimSpace(text, ps, a + e);
                if (ps < pe) pieces.add(new int[] {ps, pe});
            }
        } else {
            int i = a;
            while (i < b) {
                int ps = skipSpace(text, i, b);
                int pe = ps;
                while (pe < b && (level == Split.LINES ? text.charAt(pe) != '\n' : !Character.isWhitespace(text.charAt(pe)))) pe++;
                i = pe;
                pe = trimSpace(text, ps, pe);
                if (ps < pe) pieces.add(new int[] {ps, pe});
            }
        }
        int start = -1;
        int end = 0;
        int runTokens = 0;
        for (int[] p : pieces) {
            boolean whole = p[0] == a && p[1] == b;
            int tokens = whole ? Integer.MAX_VALUE : counter.count(text.substring(p[0], p[1]));
            if (tokens > chunkTokens) {
                if (start >= 0) units.add(new Unit(start, end, runTokens));
                start = -1;
                runTokens = 0;
                if (level == Split.WORD_BREAKS) splitChars(text, p[0], p[1], units);
                else split(text, p[0], p[1], Split.values()[level.ordinal() + 1], language, units);
                continue;
            }
            if (start >= 0 && runTokens + tokens > chunkTokens) {
                units.add(new Unit(start, end, runTokens));
                start = -1;
                runTokens = 0;
            }
            if (start < 0) start = p[0];
            end = p[1];
            runTokens += tokens;
        }
        if (start >= 0) units.add(new Unit(start, end, runTokens));
    }

    /** Cuts a single over-long word {@code text[a, b)} into the longest prefixes that fit (binary search). */
    private void splitChars(String text, int a, int b, List<Unit> units) {
        int s = a;
        while (s < b) {
            int lo = s + 1;
            int hi = b;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (counter.count(text.substring(s, mid)) <= chunkTokens) lo = mid;
                else hi = mid - 1;
            }
            int e = lo;
            if (e < b && Character.isHighSurrogate(text.charAt(e - 1)) && e - 1 > s) e--;
            units.add(new Unit(s, e, counter.count(text.substring(s, e))));
            s = e;
        }
    }

    /**
     * {@code text} with each line break next to a blank line replaced by U+2029 PARAGRAPH SEPARATOR, which
     * {@link BreakIterator} treats as a hard sentence end (it ignores plain line breaks). Same length, so
     * boundaries found in it are offsets into {@code text}.
     */
    static String markParagraphs(String text) {
        char[] out = null;
        int len = text.length();
        for (int i = 0; i < len; i++) {
            if (text.charAt(i) != '\n') continue;
            int j = i - 1;
            while (j >= 0 && isBlankChar(text.charAt(j))) j--;
            int k = i + 1;
            while (k < len && isBlankChar(text.charAt(k))) k++;
            if (j >= 0 && k < len && text.charAt(j) != '\n' && text.charAt(k) != '\n') continue;
            if (out == null) out = text.toCharArray();
            out[i] = '\u2029';
        }
        return out == null ? text : new String(out);
    }

    private static boolean isBlankChar(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && Character.isWhitespace(text.charAt(from))) from++;
        return from;
    }

    private static int trimSpace(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) to--;
        return to;
    }
}
