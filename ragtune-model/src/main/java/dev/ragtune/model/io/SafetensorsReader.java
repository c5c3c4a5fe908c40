package dev.ragtune.model.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads tensors from a Hugging Face safetensors checkpoint: one {@code .safetensors} file, a folder holding
 * {@code model.safetensors}, or a sharded {@code model.safetensors.index.json}.
 *
 * <p>Headers are parsed eagerly; tensor bytes are memory-mapped only when a tensor is read and copied into
 * native memory owned by the caller's {@link NDManager}, so no NDArray ever aliases the (read-only) file
 * mapping. Floating tensors (F32, F16, BF16, F64) are returned as FLOAT32; integer tensors (I64, I32) keep their
 * type. Thread-safe for concurrent reads (no mutable state after opening).
 */
public final class SafetensorsReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private final Path source;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path source, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
        this.source = source;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /**
     * Opens a safetensors file, a sharded index json, or a model folder (preferring {@code model.safetensors},
     * then {@code model.safetensors.index.json}).
     *
     * @throws SafetensorsFormatException if nothing readable is found or a header is malformed
     */
    public static SafetensorsReader open(Path path) {
        if (Files.isDirectory(path)) {
            Path single = path.resolve("model.safetensors");
            Path index = path.resolve("model.safetensors.index.json");
            if (Files.isRegularFile(single)) {
                return open(single);
            }
            if (Files.isRegularFile(index)) {
                return open(index);
            }
            throw new SafetensorsFormatException("No model.safetensors or model.safetensors.index.json in " + path
                    + " (convert .bin checkpoints to safetensors first)");
        }
        if (!Files.isRegularFile(path)) {
            throw new SafetensorsFormatException("Safetensors file not found: " + path);
        }
        if (path.getFileName().toString().endsWith(".json")) {
            return openIndex(path);
        }
        Map<String, TensorInfo> map = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        readHeader(path, map, meta);
        return new SafetensorsReader(path, map, meta);
    }

    private static SafetensorsReader openIndex(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new SafetensorsFormatException("Cannot parse safetensors index " + index + ": " + JsonFiles.reason(e), e);
        }
        JsonNode weightMap = root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsFormatException("Safetensors index " + index + " has no \"weight_map\" object");
        }
        Map<String, TensorInfo> all = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        Map<String, Map<String, TensorInfo>> shards = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shard = e.getValue().asText();
            Map<String, TensorInfo> shardTensors = shards.computeIfAbsent(shard, s -> {
                Path file = index.resolveSibling(s);
                if (!Files.isRegularFile(file)) {
                    throw new SafetensorsFormatException("Shard " + file + " named in " + index + " does not exist");
                }
                Map<String, TensorInfo> m = new LinkedHashMap<>();
                readHeader(file, m, meta);
                return m;
            });
            TensorInfo info = shardTensors.get(e.getKey());
            if (info == null) {
                throw new SafetensorsFormatException("Index " + index + " maps " + e.getKey() + " to " + shard
                        + " but that shard does not contain it");
            }
            all.put(e.getKey(), info);
        }
        return new SafetensorsReader(index, all, meta);
    }

    private static void readHeader(Path file, Map<String, TensorInfo> out, Map<String, String> meta) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0);
            long headerLen = lenBuf.getLong(0);
            if (size < 8 || headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
                throw new SafetensorsFormatException("Not a safetensors file (bad header length " + headerLen + "): "
                        + file);
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8);
            JsonNode root = JSON.readTree(new String(header.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            Iterator<Map.Entry<String, JsonNode>> it = root.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    e.getValue().fields().forEachRemaining(m -> meta.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                JsonNode t = e.getValue();
                String dtype = t.path("dtype").asText("");
                JsonNode shapeNode = t.path("shape");
                JsonNode offsets = t.path("data_offsets");
                if (TensorInfo.bytesPerElement(dtype) < 0 || !shapeNode.isArray() || offsets.size() != 2) {
                    throw new SafetensorsFormatException("Tensor " + e.getKey() + " in " + file
                            + " has an unsupported dtype '" + dtype + "' or a malformed shape/data_offsets");
                }
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                long begin = dataStart + offsets.get(0).asLong();
                long end = dataStart + offsets.get(1).asLong();
                TensorInfo info = new TensorInfo(e.getKey(), dtype, shape, file, begin, end);
                if (end > size || end - begin != info.elementCount() * TensorInfo.bytesPerElement(dtype)) {
                    throw new SafetensorsFormatException("Tensor " + info + " in " + file + " has data_offsets ["
                            + (begin - dataStart) + ", " + (end - dataStart) + ") that do not fit its shape or the file ("
                            + size + " bytes); the file may be truncated");
                }
                out.put(e.getKey(), info);
            }
        } catch (IOException e) {
            throw new SafetensorsFormatException("Cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** The file or index this reader was opened on. */
    public Path source() {
        return source;
    }

    /** All tensors by name, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} entries (e.g. {@code format=pt}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The header entry of {@code name}; fails naming the source if it is absent. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafetensorsFormatException("Tensor '" + name + "' is missing from " + source);
        }
        return info;
    }

    /**
     * Loads one tensor into {@code manager}: floating dtypes become FLOAT32, I64/I32 keep their type.
     */
    public NDArray load(NDManager manager, String name) {
        TensorInfo info = info(name);
        Shape shape = new Shape(info.shape());
        ByteBuffer raw = map(info);
        switch (info.dtype()) {
            case "I64":
                return manager.create(raw.asLongBuffer(), shape, DataType.INT64);
            case "I32":
                return manager.create(raw.asIntBuffer(), shape, DataType.INT32);
            default:
                return manager.create(FloatBuffer.wrap(toFloats(info, raw)), shape, DataType.FLOAT32);
        }
    }

    /** Reads a floating tensor as fp32 values, row-major. */
    public float[] readFloats(String name) {
        TensorInfo info = info(name);
        return toFloats(info, map(info));
    }

    /** Reads an integer (I64/I32) tensor as longs, row-major. */
    public long[] readLongs(String name) {
        TensorInfo info = info(name);
        ByteBuffer raw = map(info);
        long[] out = new long[Math.toIntExact(info.elementCount())];
        if (info.dtype().equals("I64")) {
            raw.asLongBuffer().get(out);
        } else if (info.dtype().equals("I32")) {
            for (int i = 0; i < out.length; i++) {
                out[i] = raw.getInt(i * 4);
            }
        } else {
            throw new SafetensorsFormatException("Tensor " + info + " in " + info.file() + " is not an integer tensor");
        }
        return out;
    }

    private static ByteBuffer map(TensorInfo info) {
        long len = info.end() - info.begin();
        if (len > Integer.MAX_VALUE) {
            throw new SafetensorsFormatException("Tensor " + info + " in " + info.file() + " exceeds 2 GiB");
        }
        try (FileChannel ch = FileChannel.open(info.file(), StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, info.begin(), len).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafetensorsFormatException("Cannot map tensor " + info + " from " + info.file() + ": "
                    + e.getMessage(), e);
        }
    }

    private static float[] toFloats(TensorInfo info, ByteBuffer raw) {
        float[] out = new float[Math.toIntExact(info.elementCount())];
        switch (info.dtype()) {
            case "F32":
                raw.asFloatBuffer().get(out);
                break;
            case "F64":
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) raw.getDouble(i * 8);
                }
                break;
            case "F16":
                for (int i = 0; i < out.length; i++) {
                    out[i] = halfToFloat(raw.getShort(i * 2));
                }
                break;
            case "BF16":
                for (int i = 0; i < out.length; i++) {
                    out[i] = Float.intBitsToFloat((raw.getShort(i * 2) & 0xffff) << 16);
                }
                break;
            default:
                throw new SafetensorsFormatException("Tensor " + info + " in " + info.file()
                        + " has dtype " + info.dtype() + ", expected F32, F16, BF16 or F64");
        }
        return out;
    }

    /** IEEE 754 binary16 to binary32 (exact; subnormals, infinities and NaN preserved). */
    static float halfToFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            if (mant == 0) {
                return Float.intBitsToFloat(sign);
            }
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
