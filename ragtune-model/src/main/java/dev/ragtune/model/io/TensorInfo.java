package dev.ragtune.model.io;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name  tensor name as stored (e.g. {@code encoder.block.0.layer.0.SelfAttention.q.weight})
 * @param dtype safetensors dtype string (F32, F16, BF16, F64, I64, I32, I8, U8, BOOL)
 * @param shape dimensions, row-major
 * @param file  the file holding the bytes
 * @param begin absolute byte offset of the data in {@code file}
 * @param end   absolute end offset (exclusive)
 */
public record TensorInfo(String name, String dtype, long[] shape, Path file, long begin, long end) {
    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes per element of {@link #dtype()}. */
    public static int bytesPerElement(String dtype) {
        switch (dtype) {
            case "F64": case "I64": case "U64": return 8;
            case "F32": case "I32": case "U32": return 4;
            case "F16": case "BF16": case "I16": case "U16": return 2;
            case "I8": case "U8": case "BOOL": return 1;
            default: return -1;
        }
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
