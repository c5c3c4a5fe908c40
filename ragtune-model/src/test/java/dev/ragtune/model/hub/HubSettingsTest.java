package dev.ragtune.model.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The environment is read the way huggingface_hub documents it. */
class HubSettingsTest {
    @TempDir Path home;

    @Test
    void defaultsToHuggingFaceCoWithoutToken() {
        HubSettings s = HubSettings.fromEnvironment(Map.of(), home);
        assertThat(s.endpoint()).hasToString("https://huggingface.co");
        assertThat(s.token()).isEmpty();
    }

    @Test
    void hfEndpointAndHfTokenWinAndTrailingSlashIsDropped() throws IOException {
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_file\n");
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_ENDPOINT", "https://hf-mirror.com/",
                "HF_TOKEN", "hf_env"), home);
        assertThat(s.endpoint()).hasToString("https://hf-mirror.com");
        assertThat(s.token()).contains("hf_env");
    }

    @Test
    void tokenFileComesFromHfHomeElseTheDefaultCache() throws IOException {
        Files.createDirectories(home.resolve(".cache/huggingface"));
        Files.writeString(home.resolve(".cache/huggingface/token"), "hf_default\n");
        assertThat(HubSettings.fromEnvironment(Map.of(), home).token()).contains("hf_default");
        Path hfHome = Files.createDirectories(home.resolve("hf"));
        Files.writeString(hfHome.resolve("token"), "hf_custom");
        assertThat(HubSettings.fromEnvironment(Map.of("HF_HOME", hfHome.toString()), home).token())
                .contains("hf_custom");
    }

    @Test
    void cacheRootIsRagtuneHomeModelsElseUserCache() {
        assertThat(ModelCache.fromEnvironment(Map.of(), home).root())
                .isEqualTo(home.resolve(".cache/ragtune/models").toAbsolutePath());
        assertThat(ModelCache.fromEnvironment(Map.of("RAGTUNE_HOME", home.resolve("rt").toString()), home).root())
                .isEqualTo(home.resolve("rt/models").toAbsolutePath());
    }

    @Test
    void progressLineShowsPercentRateAndEta() {
        // 50 MB of 100 MB in 5 s: 10 MB/s, 5 s left
        String line = ConsoleProgress.line("model.safetensors", 50_000_000, 100_000_000, 5_000_000_000L, 50_000_000);
        assertThat(line).startsWith("model.safetensors [############            ]  50% 50.0 MB / 100.0 MB")
                .contains("10.0 MB/s").contains("ETA 0:05");
    }
}
