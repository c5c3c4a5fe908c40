package dev.ragtune.model.hub;

import java.util.List;

/**
 * A revision of a repo resolved to its commit, with the files it holds.
 *
 * @param repo      the repo
 * @param commitSha the 40-hex commit the revision points at; files are downloaded from this commit, never from a
 *                  moving branch, so one pull sees one consistent snapshot
 * @param files     every file in the commit
 */
public record RepoRevision(RepoId repo, String commitSha, List<RemoteFile> files) {
    public RepoRevision {
        if (commitSha == null || !commitSha.matches("[0-9a-f]{40}")) {
            throw new IllegalArgumentException("the hub answered a commit sha '" + commitSha + "' for " + repo
                    + " that is not 40 hex digits");
        }
        files = List.copyOf(files);
    }
}
