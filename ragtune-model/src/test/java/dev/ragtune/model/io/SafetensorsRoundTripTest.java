package dev.ragtune.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void rewritingTheHfCheckpointKeepsEveryTensorBitExact() {
        SafetensorsReader hf = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors"));
        assertThat(hf.metadata()).containsEntry("format", "pt");
        assertThat(hf.tensors()).hasSize(52);
        Path out = dir.resolve("copy.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> all = new LinkedHashMap<>();
            hf.tensors().keySet().forEach(k -> all.put(k, hf.load(m, k)));
            SafetensorsWriter.write(out, all);
        }
        SafetensorsReader copy = SafetensorsReader.open(out);
        assertThat(copy.metadata()).containsEntry("format", "pt");
        assertThat(copy.tensors().keySet()).containsExactlyInAnyOrderElementsOf(hf.tensors().keySet());
        for (String k : hf.tensors().keySet()) {
            assertThat(copy.info(k).shape()).containsExactly(hf.info(k).shape());
            assertThat(copy.readFloats(k)).as(k).containsExactly(hf.readFloats(k));
        }
        try (var files = uncheckedList(dir)) {
            assertThat(files).as("no temp files left").containsExactly(out);
        }
    }

    private static java.util.stream.Stream<Path> uncheckedList(Path d) {
        try {
            return Files.list(d);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void headerFollowsTheSafetensorsLayout() throws IOException {
        Path out = dir.resolve("a.safetensors");
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SafetensorsWriter.write(out, Map.of("x", m.create(new float[] {1.5f, -2f, 3f}, new Shape(3)),
                    "ids", m.create(new long[] {7, 8}, new Shape(1, 2))));
        }
        byte[] bytes = Files.readAllBytes(out);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(headerLen % 8).isZero();
        String header = new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8);
        assertThat(header).contains("\"__metadata__\":{\"format\":\"pt\"}").contains("\"dtype\":\"F32\"")
                .contains("\"dtype\":\"I64\"");
        assertThat(bytes.length).isEqualTo(8 + headerLen + 3 * 4 + 2 * 8);
        SafetensorsReader r = SafetensorsReader.open(out);
        assertThat(r.readFloats("x")).containsExactly(1.5f, -2f, 3f);
        assertThat(r.readLongs("ids")).containsExactly(7, 8);
    }

    @Test
    void halfFloatConversionIsExact() {
        assertThat(SafetensorsReader.halfToFloat((short) 0x3c00)).isEqualTo(1.0f);
        assertThat(SafetensorsReader.halfToFloat((short) 0xc000)).isEqualTo(-2.0f);
        assertThat(SafetensorsReader.halfToFloat((short) 0x7bff)).isEqualTo(65504f);
        assertThat(SafetensorsReader.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(SafetensorsReader.halfToFloat((short) 0x7c00)).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(SafetensorsReader.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
    }

    @Test
    void truncatedFileIsReportedWithItsName() throws IOException {
        byte[] bytes = Files.readAllBytes(Golden.tinyModel().resolve("model.safetensors"));
        Path broken = dir.resolve("broken.safetensors");
        Files.write(broken, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> SafetensorsReader.open(broken)).isInstanceOf(SafetensorsFormatException.class)
                .hasMessageContaining("broken.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void shardedIndexResolvesTensorsAcrossShards() throws IOException {
        SafetensorsReader hf = SafetensorsReader.open(Golden.tinyModel().resolve("model.safetensors"));
        Map<String, String> weightMap = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> a = new LinkedHashMap<>();
            Map<String, NDArray> b = new LinkedHashMap<>();
            for (String k : hf.tensors().keySet()) {
                boolean first = k.startsWith("encoder");
                (first ? a : b).put(k, hf.load(m, k));
                weightMap.put(k, first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
            }
            SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a);
            SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b);
        }
        StringBuilder json = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
        weightMap.forEach((k, v) -> json.append('"').append(k).append("\":\"").append(v).append("\","));
        json.setLength(json.length() - 1);
        json.append("}}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), json.toString());
        SafetensorsReader sharded = SafetensorsReader.open(dir);
        assertThat(sharded.tensors()).hasSize(52);
        assertThat(sharded.readFloats("lm_head.weight")).containsExactly(hf.readFloats("lm_head.weight"));
        assertThat(sharded.readFloats("encoder.final_layer_norm.weight"))
                .containsExactly(hf.readFloats("encoder.final_layer_norm.weight"));
    }
}
