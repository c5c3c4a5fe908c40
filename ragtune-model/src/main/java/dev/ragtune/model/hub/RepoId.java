package dev.ragtune.model.hub;

import java.util.regex.Pattern;

/**
 * A hub repository id such as {@code google/flan-t5-small} (or a legacy id without organisation, {@code t5-small}).
 *
 * @param id the id as the hub spells it
 */
public record RepoId(String id) {
    private static final Pattern PART = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,95}");

    public RepoId {
        if (id == null || !isValid(id)) {
            throw new IllegalArgumentException("'" + id + "' is not a hub repository id; expected ORG/NAME such as"
                    + " google/flan-t5-small (letters, digits, '-', '_', '.'; no '--' or '..')");
        }
    }

    /** True when {@code s} has the shape of a repo id (one or two parts, no {@code --} or {@code ..}). */
    public static boolean isValid(String s) {
        if (s == null || s.contains("--") || s.contains("..") || s.endsWith(".")) return false;
        String[] parts = s.split("/", -1);
        if (parts.length > 2) return false;
        for (String p : parts) {
            if (!PART.matcher(p).matches()) return false;
        }
        return true;
    }

    /** Name of this repo's folder in the cache: {@code org--name}. */
    public String folderName() {
        return id.replace("/", "--");
    }

    /** Inverse of {@link #folderName()}. */
    public static RepoId fromFolderName(String folder) {
        return new RepoId(folder.replaceFirst("--", "/"));
    }

    @Override
    public String toString() {
        return id;
    }
}
