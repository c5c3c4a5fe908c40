package dev.ragtune.app.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.model.hub.ModelCache;
import dev.ragtune.model.hub.ModelLocator;
import dev.ragtune.model.hub.RepoId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared loader: what it records as the base model's name, and its one-line refusals. */
class ModelLoaderTest {
    @TempDir
    Path tmp;

    private static Path tiny() throws Exception {
        return Paths.get(ModelLoaderTest.class.getResource("/t5-tiny").toURI());
    }

    @Test
    void aHubSnapshotIsNamedByItsHubIdAndAFolderByItsAbsolutePath() throws Exception {
        ModelCache cache = new ModelCache(tmp.resolve("cache"));
        RepoId repo = new RepoId("google/t5-tiny");
        Path snapshot = Files.createDirectories(cache.snapshotDir(repo, "main"));
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(tiny().resolve(f), snapshot.resolve(f));
        }
        ModelLoader loader = new ModelLoader(new ModelLocator(cache));
        try (LoadedModel m = loader.open(new ModelRequest("google/t5-tiny", null, "cpu", ModelRequest.Tokenizer.NONE))) {
            assertThat(m.name()).isEqualTo("google/t5-tiny");
            assertThat(m.dir()).isEqualTo(snapshot);
        }
        Path adapter = Paths.get(ModelLoaderTest.class.getResource("/t5-tiny-lora").toURI());
        try (LoadedModel m = loader.open(new ModelRequest(tiny().toString(), adapter, "cpu",
                ModelRequest.Tokenizer.IF_PRESENT))) {
            assertThat(m.name()).isEqualTo(tiny().toAbsolutePath().toString());
            assertThat(m.adapter().config().baseModelNameOrPath()).isEqualTo(m.name());
            assertThat(m.tokenizer()).isNull();
        }
    }

    @Test
    void refusalsAreIllegalArgumentsNamingTheFile() throws Exception {
        ModelLoader loader = new ModelLoader(new ModelLocator(new ModelCache(tmp.resolve("cache"))));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> loader.open(new ModelRequest(empty.toString(), null, "cpu",
                ModelRequest.Tokenizer.NONE))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No config.json in --model " + empty);
        assertThatThrownBy(() -> loader.open(new ModelRequest(tiny().toString(), null, "cpu",
                ModelRequest.Tokenizer.REQUIRED))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no tokenizer.json");
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("config.json"), "{\"model_type\":\"bert\"}");
        assertThatThrownBy(() -> loader.open(new ModelRequest(broken.toString(), null, "cpu",
                ModelRequest.Tokenizer.NONE))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unsupported model_type 'bert'");
        assertThatThrownBy(() -> new ModelRequest(null, tmp, "cpu", ModelRequest.Tokenizer.NONE))
                .hasMessageContaining("--adapter needs --model");
    }
}
