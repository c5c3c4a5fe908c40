package dev.ragtune.model.hub;

import java.util.Objects;

/**
 * One file of a repo revision as the hub lists it.
 *
 * @param path      path inside the repo, {@code /}-separated ({@code rfilename})
 * @param size      size in bytes, or -1 when the hub did not say
 * @param sha256    hex SHA-256 of the content for LFS files ({@code lfs.sha256}), else null
 * @param gitBlobId git blob id (SHA-1 of {@code "blob <size>\0" + content}) for non-LFS files, else null
 */
public record RemoteFile(String path, long size, String sha256, String gitBlobId) {
    public RemoteFile {
        Objects.requireNonNull(path, "path");
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\")
                || java.util.Arrays.asList(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("unsafe file name from the hub: '" + path + "'");
        }
    }
}
