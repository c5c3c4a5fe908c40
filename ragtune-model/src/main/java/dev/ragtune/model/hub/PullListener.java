package dev.ragtune.model.hub;

import java.io.IOException;

/** Hears how a pull goes (for a progress bar). Called on the pulling thread; every method has a no-op default. */
public interface PullListener {
    PullListener SILENT = new PullListener() {};

    /** The revision was resolved and the files chosen. */
    default void resolved(RepoRevision revision, FileSelection.Choice choice) {}

    /** A file transfer starts, {@code from} bytes already on disk (resume), {@code total} bytes in all (-1 unknown). */
    default void fileStarted(String path, long from, long total) {}

    /** {@code done} of {@code total} bytes of {@code path} are on disk. */
    default void progress(String path, long done, long total) {}

    /** The file is complete and verified. */
    default void fileFinished(String path, long bytes) {}

    /** A transfer broke off after {@code have} bytes; attempt {@code attempt} of {@code max} resumes it. */
    default void retrying(String path, long have, int attempt, int max, IOException cause) {}
}
