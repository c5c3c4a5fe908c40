package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.Golden;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken copies of t5-tiny must fail with messages naming the tensor, the file and both shapes. */
class T5ModelLoadErrorsTest {
    @TempDir
    Path dir;

    private void copyWith(Map<String, NDArray> tensors, String config) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);
    }

    private static Map<String, NDArray> tinyTensors(NDManager m) {
        SafetensorsReader r = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors"));
        Map<String, NDArray> out = new LinkedHashMap<>();
        r.tensors().keySet().forEach(k -> out.put(k, r.load(m, k)));
        return out;
    }

    private static String tinyConfig() throws IOException {
        return Files.readString(Golden.tinyModel().resolve("config.json"));
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = tinyTensors(m);
            t.remove("decoder.block.1.layer.1.EncDecAttention.v.weight");
            copyWith(t, tinyConfig());
        }
        assertThatThrownBy(() -> T5Model.load(dir, Device.cpu()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("decoder.block.1.layer.1.EncDecAttention.v.weight")
                .hasMessageContaining("missing").hasMessageContaining("[64, 64]")
                .hasMessageContaining(dir.toString());
    }

    @Test
    void wrongShapeNamesBothShapes() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = tinyTensors(m);
            t.put("encoder.block.0.layer.1.DenseReluDense.wi_0.weight", m.zeros(new ai.djl.ndarray.types.Shape(96, 64)));
            copyWith(t, tinyConfig());
        }
        assertThatThrownBy(() -> T5Model.load(dir, Device.cpu()))
                .isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("encoder.block.0.layer.1.DenseReluDense.wi_0.weight")
                .hasMessageContaining("[96, 64]").hasMessageContaining("[128, 64]");
    }

    @Test
    void unsupportedActivationIsRejected() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            copyWith(tinyTensors(m), tinyConfig().replace("\"gated-gelu\"", "\"gated-silu\"")
                    .replace("\"gelu_new\"", "\"silu\""));
        }
        assertThatThrownBy(() -> T5Model.load(dir, Device.cpu()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("silu");
    }

    @Test
    void nonT5ModelTypeIsRejected() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            copyWith(tinyTensors(m), tinyConfig().replace("\"model_type\": \"t5\"", "\"model_type\": \"bart\""));
        }
        assertThatThrownBy(() -> T5Model.load(dir, Device.cpu()))
                .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("bart");
    }

    @Test
    void embedTokensAliasReplacesSharedWeight() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = tinyTensors(m);
            NDArray shared = t.remove("shared.weight");
            t.put("encoder.embed_tokens.weight", shared);
            copyWith(t, tinyConfig());
        }
        try (T5Model model = T5Model.load(dir, Device.cpu()); T5Model ref = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            assertThat(model.sharedEmbedding().toFloatArray()).containsExactly(ref.sharedEmbedding().toFloatArray());
        }
    }

    @Test
    void halfPrecisionCheckpointLoadsAsFp32() throws IOException {
        // bf16 copy: every weight rounded to bf16 and back must equal what the loader returns
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Files.writeString(dir.resolve("config.json"), tinyConfig());
            Map<String, NDArray> t = tinyTensors(m);
            Dtypes.writeBf16(dir.resolve("model.safetensors"), t);
        }
        try (T5Model model = T5Model.load(dir, Device.cpu()); T5Model ref = T5Model.load(Golden.tinyModel(), Device.cpu())) {
            float[] a = model.linear("decoder.block.1.layer.2.DenseReluDense.wo").weight().toFloatArray();
            float[] b = ref.linear("decoder.block.1.layer.2.DenseReluDense.wo").weight().toFloatArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).isEqualTo(Float.intBitsToFloat(Float.floatToIntBits(b[i]) & 0xffff0000));
            }
        }
    }

    @Test
    void gpuIsRefusedWhenDjlReportsNone() {
        if (ai.djl.engine.Engine.getEngine("PyTorch").getGpuCount() == 0) {
            assertThatThrownBy(() -> T5Model.device("gpu")).hasMessageContaining("no GPU");
        }
        assertThat(T5Model.device("cpu")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> T5Model.device("tpu")).hasMessageContaining("tpu");
    }
}
