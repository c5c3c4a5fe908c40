package dev.ragtune.rag.answer;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Splits passages into trimmed sentences (java.text.BreakIterator; line ends also end a sentence). */
final class Sentences {
    private Sentences() {}

    static List<String> split(String text) {
        List<String> out = new ArrayList<>();
        BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
        it.setText(text);
        int start = it.first();
        for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
            String s = text.substring(start, end).strip();
            if (!s.isEmpty()) out.add(s.replaceAll("\\s+", " "));
        }
        return out;
    }
}
