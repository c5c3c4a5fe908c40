package dev.ragtune.rag.answer;

import dev.ragtune.rag.document.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

/**
 * The content words of a text as stems, by the same Lucene analyzers BM25 indexes with (English: stop words,
 * possessives, Porter stemming; Portuguese: Brazilian stop words and stemmer), so "founded" meets "founding" and
 * "constituições" meets "constituição". Question words (what, how many, quantos, …) are stop words here: they name
 * the kind of answer ({@link QuestionCue}), not its content. Holds the analyzers: close it.
 */
final class ContentWords implements AutoCloseable {
    /** Lucene's English stop words and the words questions are made of, which name no content. */
    private static final CharArraySet ENGLISH_STOP = stopWords(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, List.of("what",
            "which", "who", "whom", "whose", "when", "where", "why", "how", "many", "much", "does", "did", "do",
            "was", "were", "is", "are", "has", "have", "had", "can", "could", "would", "should", "kind", "type"));
    private static final CharArraySet PORTUGUESE_STOP = stopWords(BrazilianAnalyzer.getDefaultStopSet(), List.of(
            "qual", "quais", "quem", "quando", "onde", "como", "quanto", "quanta", "quantos", "quantas", "porque",
            "é", "são", "foi", "foram", "tem", "têm"));

    private final Analyzer english = new EnglishAnalyzer(ENGLISH_STOP);
    private final Analyzer portuguese = new BrazilianAnalyzer(PORTUGUESE_STOP);

    /** The stems of {@code text}'s content words, in order, repeats kept. */
    List<String> of(String text, Language language) {
        Analyzer a = language == Language.PORTUGUESE ? portuguese : english;
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(term.toString());
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringReader does not fail
        }
        return out;
    }

    private static CharArraySet stopWords(CharArraySet base, List<String> more) {
        CharArraySet out = new CharArraySet(base, true);
        out.addAll(more);
        return CharArraySet.unmodifiableSet(out);
    }

    @Override
    public void close() {
        english.close();
        portuguese.close();
    }
}
