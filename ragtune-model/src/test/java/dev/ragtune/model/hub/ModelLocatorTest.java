package dev.ragtune.model.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    @TempDir Path tmp;

    @Test
    void existingDirectoryWinsOverTheCache() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("my-model"));
        ModelLocator loc = new ModelLocator(new ModelCache(tmp.resolve("cache")));
        assertThat(loc.resolve(dir.toString())).isEqualTo(dir);
    }

    @Test
    void repoIdResolvesThroughRefsAndAtRevisionToASnapshot() throws IOException {
        ModelCache cache = new ModelCache(tmp.resolve("cache"));
        RepoId repo = new RepoId("google/flan-t5-small");
        String sha = "0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab";
        Path snap = Files.createDirectories(cache.root().resolve("google--flan-t5-small/snapshots").resolve(sha));
        cache.writeRef(repo, "main", sha);
        cache.writeRef(repo, "v1", sha);
        ModelLocator loc = new ModelLocator(cache);
        assertThat(loc.resolve("google/flan-t5-small")).isEqualTo(snap);
        assertThat(loc.resolve("google/flan-t5-small@v1")).isEqualTo(snap);
        assertThat(loc.resolve("google/flan-t5-small@" + sha)).isEqualTo(snap);
        assertThat(Files.readString(cache.root().resolve("google--flan-t5-small/refs/main"))).isEqualTo(sha);
        assertThat(cache.list()).singleElement().satisfies(m -> {
            assertThat(m.repo()).isEqualTo(repo);
            assertThat(m.revisions()).containsExactly("main", "v1");
            assertThat(m.commitSha()).isEqualTo(sha);
        });
    }

    @Test
    void notCachedRepoSaysHowToPullIt() {
        ModelLocator loc = new ModelLocator(new ModelCache(tmp.resolve("cache")));
        assertThatThrownBy(() -> loc.resolve("google/flan-t5-small"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("google/flan-t5-small is not downloaded")
                .hasMessageContaining("./ragtune model pull google/flan-t5-small");
        assertThatThrownBy(() -> loc.resolve("google/flan-t5-small@v2"))
                .hasMessageContaining("./ragtune model pull google/flan-t5-small --revision v2");
    }

    @Test
    void stringThatIsNeitherFolderNorRepoIdSaysBoth() {
        ModelLocator loc = new ModelLocator(new ModelCache(tmp.resolve("cache")));
        assertThatThrownBy(() -> loc.resolve("./no/such/dir"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("is neither a folder").hasMessageContaining("ORG/NAME");
    }

    @Test
    void repoIdsAreValidatedLikeTheHubDoes() {
        assertThat(RepoId.isValid("google/flan-t5-small")).isTrue();
        assertThat(RepoId.isValid("t5-small")).isTrue();
        assertThat(RepoId.isValid("a/b/c")).isFalse();
        assertThat(RepoId.isValid("org/../x")).isFalse();
        assertThat(RepoId.isValid("org--x/y")).isFalse();
        assertThat(new RepoId("cross-encoder/ms-marco-MiniLM-L6-v2").folderName())
                .isEqualTo("cross-encoder--ms-marco-MiniLM-L6-v2");
        assertThat(RepoId.fromFolderName("cross-encoder--ms-marco-MiniLM-L6-v2").id())
                .isEqualTo("cross-encoder/ms-marco-MiniLM-L6-v2");
    }
}
