package dev.ragtune.model.lora;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.Golden;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a saved adapter and a merged model look like on disk: permissions like any new file, PEFT's model card. */
class WrittenAdapterTest {
    @TempDir
    Path tmp;

    /** The permissions the user's umask gives a new file / folder here (0644 / 0755 with umask 022). */
    private Set<PosixFilePermission> fresh(boolean directory) throws IOException {
        Path probe = directory ? Files.createDirectory(tmp.resolve("probe-dir"))
                : Files.createFile(tmp.resolve("probe-file"));
        Set<PosixFilePermission> p = Files.getPosixFilePermissions(probe);
        Files.delete(probe);
        return p;
    }

    @Test
    void savedAdapterFilesGetTheUmaskPermissionsAndAPeftModelCard() throws IOException {
        Set<PosixFilePermission> file = fresh(false);
        assertThat(file).as("a umask that lets others read (e.g. 022) makes this test meaningful")
                .contains(PosixFilePermission.OTHERS_READ);
        Path out = tmp.resolve("adapter");
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter a = LoraAdapter.create(model, LoraConfig.of(4, 8, 0, List.of("q", "v"), "google/flan-t5-small"),
                     1)) {
            a.save(out);
        }
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(fresh(true));
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("adapter_config.json", "adapter_model.safetensors", "README.md");
        }
        for (String f : new String[] {"adapter_config.json", "adapter_model.safetensors", "README.md"}) {
            assertThat(Files.getPosixFilePermissions(out.resolve(f))).as(f).isEqualTo(file);
        }
        String card = Files.readString(out.resolve("README.md"));
        assertThat(card).startsWith("---\nbase_model: google/flan-t5-small\nlibrary_name: peft\n")
                .contains("- base_model:adapter:google/flan-t5-small").contains("r=4, lora_alpha=8");
        assertThat(new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile())
                .get("base_model_name_or_path").asText()).isEqualTo("google/flan-t5-small");
    }

    @Test
    void anExistingModelCardIsKeptAndALocalBaseIsNotClaimedAsAHubModel() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("adapter"));
        Files.writeString(out.resolve("README.md"), "my notes");
        Path base = Golden.tinyModel().toAbsolutePath();
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter a = LoraAdapter.load(model, LoraGoldenTest.adapterDir(), base.toString())) {
            a.save(out);
            a.save(tmp.resolve("second"));
        }
        assertThat(Files.readString(out.resolve("README.md"))).isEqualTo("my notes");
        assertThat(Files.readString(tmp.resolve("second/README.md"))).doesNotContain("base_model:")
                .contains("**Base model:** " + base);
        assertThat(LoraConfig.readPeft(out.resolve("adapter_config.json")).baseModelNameOrPath())
                .isEqualTo(base.toString());
    }

    @Test
    void mergedModelFolderAndFilesGetTheUmaskPermissions() throws IOException {
        Set<PosixFilePermission> file = fresh(false);
        Set<PosixFilePermission> dir = fresh(true);
        Path out = tmp.resolve("merged");
        LoraMerge.merge(Golden.tinyModel(), LoraGoldenTest.adapterDir(), out);
        assertThat(Files.getPosixFilePermissions(out)).isEqualTo(dir);
        try (Stream<Path> files = Files.list(out)) {
            for (Path p : files.toList()) {
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(file);
            }
        }
    }
}
