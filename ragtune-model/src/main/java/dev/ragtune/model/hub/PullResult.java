package dev.ragtune.model.hub;

import java.nio.file.Path;
import java.util.List;

/**
 * What a pull did.
 *
 * @param repo            the repo
 * @param revision        the revision asked for
 * @param commitSha       the commit it resolved to
 * @param snapshot        the complete snapshot folder
 * @param downloaded      files transferred by this pull (fully or resumed)
 * @param reused          files already on disk (earlier snapshot of the same commit, or an earlier interrupted pull)
 * @param skipped         files of the repo left out, with the reason
 * @param bytesDownloaded bytes received over the network by this pull
 */
public record PullResult(RepoId repo, String revision, String commitSha, Path snapshot, List<String> downloaded,
                         List<String> reused, List<FileSelection.Skipped> skipped, long bytesDownloaded) {
    public PullResult {
        downloaded = List.copyOf(downloaded);
        reused = List.copyOf(reused);
        skipped = List.copyOf(skipped);
    }
}
