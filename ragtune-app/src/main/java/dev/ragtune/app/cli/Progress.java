package dev.ragtune.app.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line on stderr for long work: done/total, rate and ETA. On a terminal it redraws one line; otherwise
 * (a log, CI) it prints a line at most every few seconds so logs stay short.
 */
public final class Progress {
    private final PrintStream out;
    private final String unit;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private int lastWidth;

    public Progress(PrintStream out, String unit) {
        this.out = out;
        this.unit = unit;
        this.terminal = System.console() != null;
    }

    /**
     * Reports progress.
     *
     * @param done     units done (e.g. chunks)
     * @param fraction fraction of the whole job done, in [0, 1], for the ETA; negative when unknown
     * @param detail   a short note (current file), may be empty
     */
    public void update(long done, double fraction, String detail) {
        long now = System.nanoTime();
        long interval = terminal ? 200_000_000L : 5_000_000_000L;
        if (now - lastPrintNanos < interval) return;
        lastPrintNanos = now;
        print(line(done, fraction, detail, now), false);
    }

    /** Prints the final line. */
    public void finish(long done, String detail) {
        print(line(done, 1.0, detail, System.nanoTime()), true);
    }

    String line(long done, double fraction, String detail, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double rate = done / seconds;
        StringBuilder sb = new StringBuilder();
        if (fraction >= 0) sb.append(String.format(Locale.ROOT, "%3.0f%%  ", Math.min(1.0, fraction) * 100));
        sb.append(done).append(' ').append(unit);
        sb.append(String.format(Locale.ROOT, "  %.1f %s/s", rate, unit));
        if (fraction > 0 && fraction < 1) sb.append("  ETA ").append(clock(seconds * (1 - fraction) / fraction));
        sb.append("  elapsed ").append(clock(seconds));
        if (detail != null && !detail.isEmpty()) sb.append("  ").append(detail);
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private void print(String line, boolean last) {
        if (terminal) {
            String pad = line.length() < lastWidth ? " ".repeat(lastWidth - line.length()) : "";
            out.print("\r" + line + pad + (last ? "\n" : ""));
            lastWidth = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }
}
