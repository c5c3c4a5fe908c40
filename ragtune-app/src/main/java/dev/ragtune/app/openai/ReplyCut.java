package dev.ragtune.app.openai;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A chat reply cut where the client asked, piece by piece: before the first of its stop sequences, then to whole
 * words within {@code max_tokens} (from the start, up to the first word whose prefix no longer fits; white space
 * before the cut dropped). Each call returns the text that no later piece can take back: a tail that may be the
 * start of a stop sequence, and a word not yet known to fit, wait. The parts joined are the same for any cut of the
 * same text into pieces, so a streamed reply equals the whole one. One per reply; not thread-safe.
 */
final class ReplyCut {
    private final List<String> stops;
    private final Integer maxTokens;
    private final ToIntFunction<String> tokens;
    private final int longestStop;
    /** Text not yet past the stop check: a tail that may start a stop sequence. */
    private final StringBuilder pending = new StringBuilder();
    /** Text past the stop check. */
    private final StringBuilder text = new StringBuilder();
    private int released;
    /** text[0, fits) ends at a word boundary known to fit max_tokens; boundaries before scanned were checked. */
    private int fits;
    private int scanned = 1;
    private boolean stopped;
    private boolean cut;
    private boolean finished;

    /**
     * @param stops     stop sequences (none empty)
     * @param maxTokens most tokens of the reply, or null for no bound
     * @param tokens    the model's token count of a text
     */
    ReplyCut(List<String> stops, Integer maxTokens, ToIntFunction<String> tokens) {
        this.stops = List.copyOf(stops);
        this.maxTokens = maxTokens;
        this.tokens = tokens;
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds the next piece of the reply; returns the reply's text that became sure with it (often empty). */
    String next(String piece) {
        if (stopped || cut) return "";
        pending.append(piece);
        int at = firstStop();
        if (at >= 0) {
            text.append(pending, 0, at);
            pending.setLength(0);
            stopped = true;
            return finish();
        }
        int keep = stopPrefix();
        text.append(pending, 0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return release(false);
    }

    /** The reply ended: returns the rest of its text. */
    String finish() {
        if (finished) return "";
        finished = true;
        text.append(pending);
        pending.setLength(0);
        return release(true);
    }

    /** The reply's text released so far (all of it after {@link #finish()}). */
    String released() {
        return text.substring(0, released);
    }

    /** {@code length} when max_tokens cut the reply, else {@code stop}. */
    String finishReason() {
        return cut ? "length" : "stop";
    }

    private String release(boolean end) {
        String sure;
        if (maxTokens == null) {
            sure = text.toString();
        } else {
            for (int b = scanned; b < text.length() && !cut; b++) { // a word starts at b: does the text before fit?
                if (Character.isWhitespace(text.charAt(b - 1)) && !Character.isWhitespace(text.charAt(b))) {
                    if (tokens.applyAsInt(text.substring(0, b).stripTrailing()) <= maxTokens) fits = b;
                    else cut = true;
                }
            }
            scanned = Math.max(scanned, text.length());
            if (end && !cut) {
                if (tokens.applyAsInt(text.toString().stripTrailing()) <= maxTokens) fits = text.length();
                else cut = true;
            }
            sure = end && !cut ? text.toString() : text.substring(0, fits).stripTrailing();
        }
        String out = sure.substring(released);
        released = sure.length();
        return out;
    }

    /** Where the earliest stop sequence starts in the pending text, or -1. */
    private int firstStop() {
        int first = -1;
        for (String s : stops) {
            int at = pending.indexOf(s);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /** Length of the longest end of the pending text that a stop sequence starts with. */
    private int stopPrefix() {
        for (int n = Math.min(longestStop - 1, pending.length()); n > 0; n--) {
            String tail = pending.substring(pending.length() - n);
            for (String s : stops) {
                if (s.startsWith(tail)) return n;
            }
        }
        return 0;
    }
}
