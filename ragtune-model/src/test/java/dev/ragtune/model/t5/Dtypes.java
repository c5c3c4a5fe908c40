package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test-only writer of BF16 safetensors (truncating fp32), to exercise the loader's dtype conversion. */
final class Dtypes {
    private Dtypes() {
    }

    static void writeBf16(Path file, Map<String, NDArray> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long n = e.getValue().size();
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"BF16\",\"shape\":[");
            long[] shape = e.getValue().getShape().getShape();
            for (int i = 0; i < shape.length; i++) {
                header.append(i > 0 ? "," : "").append(shape[i]);
            }
            header.append("],\"data_offsets\":[").append(offset).append(',').append(offset + 2 * n).append("]}");
            offset += 2 * n;
        }
        header.append('}');
        byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
            out.write(h);
            for (NDArray a : tensors.values()) {
                float[] f = a.toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(2 * f.length).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : f) {
                    b.putShort((short) (Float.floatToIntBits(v) >>> 16));
                }
                out.write(b.array());
            }
        }
    }
}
