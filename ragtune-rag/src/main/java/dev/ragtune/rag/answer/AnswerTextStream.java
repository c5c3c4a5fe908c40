package dev.ragtune.rag.answer;

/**
 * A generated answer's text released while it is written: pieces from the generator in, the text the finished
 * {@link Answer} will have (citation markers taken out, white space tidied) out, as soon as no later piece can change
 * it. Held back is only a {@code [} that may still open a marker, and trailing white space (it may come before
 * punctuation, a marker or the end, where it is dropped). The released parts joined, with {@link #finish()}, equal
 * {@link Answer#text()} of the same generated text. One per answer; not thread-safe.
 */
public final class AnswerTextStream {
    private final StringBuilder raw = new StringBuilder();
    private final StringBuilder released = new StringBuilder();

    /** Adds the next generated piece and returns the text that became sure with it (often empty). */
    public String next(String piece) {
        raw.append(piece);
        int open = Citations.openMarker(raw);
        String settled = Citations.withoutMarkers(open < 0 ? raw.toString() : raw.substring(0, open));
        int end = settled.length();
        while (end > 0 && Character.isWhitespace(settled.charAt(end - 1))) end--;
        return release(Citations.tidy(settled.substring(0, end)));
    }

    /** The generation ended: returns the rest of the answer's text. */
    public String finish() {
        return release(Citations.strip(raw.toString()));
    }

    /** Everything released so far. */
    public String text() {
        return released.toString();
    }

    private String release(String sure) {
        if (!sure.startsWith(released.toString())) { // cannot happen: every release is a prefix of the final text
            throw new IllegalStateException("released text '" + released + "' is not a prefix of '" + sure + "'");
        }
        String out = sure.substring(released.length());
        released.append(out);
        return out;
    }
}
