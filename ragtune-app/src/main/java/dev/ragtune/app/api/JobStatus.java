package dev.ragtune.app.api;

import java.util.List;

/**
 * A background ingestion, as {@code POST /api/documents} (202) and {@code GET /api/jobs/{id}} answer it.
 *
 * @param state      {@code queued}, {@code running}, {@code done} or {@code failed}
 * @param files      files in the job
 * @param filesDone  files finished (ingested, unchanged or failed)
 * @param chunks     chunks embedded so far
 * @param bytesDone  bytes of the files read so far
 * @param etaSeconds estimated seconds left (absent until measurable, and when finished)
 * @param report     what the job did (when finished)
 * @param problems   files that failed or warned, one line each
 */
public record JobStatus(String id, String state, int files, int filesDone, long chunks, long bytesDone,
                        long bytesTotal, String current, double elapsedSeconds, Double etaSeconds, JobReport report,
                        List<String> problems) {
    /** What a finished job did. */
    public record JobReport(int ingested, int unchanged, int failed, int chunksAdded, int chunksReplaced,
                            int collectionChunks) {}
}
