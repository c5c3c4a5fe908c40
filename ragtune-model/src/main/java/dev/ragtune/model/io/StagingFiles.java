package dev.ragtune.model.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * Temp files and folders created beside their final place and then renamed into it. Unlike
 * {@link Files#createTempFile} (always 0600) and {@link Files#createTempDirectory} (0700) they get the permissions of
 * any new file or folder, {@code 0666 & ~umask} / {@code 0777 & ~umask} (0644 / 0755 with the usual umask 022), so
 * the adapter, checkpoint or model they become can be read by others exactly as a file PEFT writes.
 */
public final class StagingFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private StagingFiles() {
    }

    /** A new empty file {@code dir/prefix<random>suffix}. */
    public static Path createFile(Path dir, String prefix, String suffix) throws IOException {
        while (true) {
            try {
                return Files.createFile(dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36) + suffix));
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }

    /** A new empty folder {@code dir/prefix<random>}. */
    public static Path createDirectory(Path dir, String prefix) throws IOException {
        while (true) {
            try {
                return Files.createDirectory(dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong(), 36)));
            } catch (FileAlreadyExistsException e) {
                // another name
            }
        }
    }
}
