package dev.ragtune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file the way Hugging Face / PEFT do: 8-byte little-endian header length, a JSON header
 * with {@code dtype}/{@code shape}/{@code data_offsets} per tensor and {@code __metadata__} (default
 * {@code {"format":"pt"}}), header padded with spaces to a multiple of 8, then the raw little-endian bytes.
 *
 * <p>FLOAT32 arrays are written as F32, INT64 as I64, INT32 as I32. The write is atomic: a temp file in the
 * target folder is moved over the target with {@code ATOMIC_MOVE}.
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (in map order) with {@code __metadata__ {"format":"pt"}}. */
    public static void write(Path file, Map<String, NDArray> tensors) {
        write(file, tensors, Map.of("format", "pt"));
    }

    /** Writes {@code tensors} (in map order) with the given {@code __metadata__} string map. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        List<byte[]> payloads = new ArrayList<>();
        long offset = 0;
        for (Map.Entry<String, NDArray> e : new LinkedHashMap<>(tensors).entrySet()) {
            NDArray a = e.getValue();
            String dtype = dtypeOf(e.getKey(), a.getDataType());
            byte[] bytes = toLittleEndianBytes(a);
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            ArrayNode shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            ArrayNode offs = t.putArray("data_offsets");
            offs.add(offset);
            offs.add(offset + bytes.length);
            offset += bytes.length;
            payloads.add(bytes);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            Path tmp = StagingFiles.createFile(dir, file.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                    out.write(headerBytes);
                    for (byte[] p : payloads) {
                        out.write(p);
                    }
                }
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static String dtypeOf(String name, DataType type) {
        switch (type) {
            case FLOAT32: return "F32";
            case INT64: return "I64";
            case INT32: return "I32";
            default:
                throw new IllegalArgumentException("Tensor '" + name + "' has data type " + type
                        + "; only FLOAT32, INT64 and INT32 can be written (convert with toType first)");
        }
    }

    private static byte[] toLittleEndianBytes(NDArray a) {
        ByteBuffer src = a.toByteBuffer();
        byte[] out = new byte[src.remaining()];
        src.order(ByteOrder.nativeOrder()).get(out);
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new IllegalStateException("Big-endian platforms are not supported");
        }
        return out;
    }
}
