package dev.ragtune.model.hub;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A one-line-per-file progress bar for a terminal (normally stderr): file, bytes done of total, MB/s, ETA; also
 * lists the files skipped and why. Redraws at most ~5 times a second.
 */
public final class ConsoleProgress implements PullListener {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream out;
    private final LongSupplier clock;
    private long startNanos;
    private long startBytes;
    private long lastDraw;

    public ConsoleProgress(PrintStream out) {
        this(out, System::nanoTime);
    }

    ConsoleProgress(PrintStream out, LongSupplier nanoClock) {
        this.out = out;
        this.clock = nanoClock;
    }

    @Override
    public void resolved(RepoRevision revision, FileSelection.Choice choice) {
        long total = choice.wanted().stream().mapToLong(f -> Math.max(0, f.size())).sum();
        out.printf(Locale.ROOT, "%s @ %s: %d files, %s%n", revision.repo(), revision.commitSha(),
                choice.wanted().size(), human(total));
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (FileSelection.Skipped s : choice.skipped()) {
            byReason.computeIfAbsent(s.reason(), k -> new java.util.ArrayList<>()).add(s.path());
        }
        byReason.forEach((reason, files) -> out.printf(Locale.ROOT, "skipping %s (%s)%n",
                files.size() <= 6 ? String.join(", ", files)
                        : String.join(", ", files.subList(0, 6)) + " and " + (files.size() - 6) + " more", reason));
    }

    @Override
    public void fileStarted(String path, long from, long total) {
        startNanos = clock.getAsLong();
        startBytes = from;
        lastDraw = 0;
        if (from > 0) out.printf(Locale.ROOT, "resuming %s at %s%n", path, human(from));
        draw(path, from, total, true);
    }

    @Override
    public void progress(String path, long done, long total) {
        draw(path, done, total, false);
    }

    @Override
    public void fileFinished(String path, long bytes) {
        draw(path, bytes, bytes, true);
        out.println();
    }

    @Override
    public void retrying(String path, long have, int attempt, int max, IOException cause) {
        out.printf(Locale.ROOT, "%n%s: transfer broke off at %s (%s); resuming, attempt %d of %d%n", path, human(have),
                cause.getMessage(), attempt, max);
    }

    private void draw(String path, long done, long total, boolean force) {
        long now = clock.getAsLong();
        if (!force && now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        out.print("\r" + line(path, done, total, now - startNanos, done - startBytes));
        out.flush();
    }

    /** One progress line, e.g. {@code model.safetensors [#####     ]  52.0 MB / 104.0 MB  10.4 MB/s  ETA 0:05}. */
    static String line(String path, long done, long total, long elapsedNanos, long bytesThisRun) {
        double secs = Math.max(elapsedNanos / 1e9, 1e-3);
        double rate = bytesThisRun / secs;
        StringBuilder sb = new StringBuilder(path).append(' ');
        if (total > 0) {
            int width = 24;
            int filled = (int) Math.min(width, width * done / total);
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(width - filled)).append("] ");
            sb.append(String.format(Locale.ROOT, "%3d%% ", 100 * done / total));
        }
        sb.append(human(done));
        if (total > 0) sb.append(" / ").append(human(total));
        sb.append(String.format(Locale.ROOT, "  %.1f MB/s", rate / 1e6));
        if (total > 0 && rate > 0 && done < total) {
            long eta = (long) ((total - done) / rate);
            sb.append(String.format(Locale.ROOT, "  ETA %d:%02d", eta / 60, eta % 60));
        }
        return sb.append("   ").toString();
    }

    static String human(long bytes) {
        if (bytes < 1_000_000) return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        if (bytes < 1_000_000_000) return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
