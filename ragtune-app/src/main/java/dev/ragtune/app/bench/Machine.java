package dev.ragtune.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What every benchmark prints beside its numbers: the machine's load at that moment. */
final class Machine {
    private Machine() {}

    /** {@code /proc/loadavg} as one line, or why it could not be read. */
    static String loadavg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
    }
}
