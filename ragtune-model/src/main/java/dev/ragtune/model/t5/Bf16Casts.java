package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * fp32 ↔ bf16 casts ({@code x.to(dtype)}, round-to-nearest-even, differentiable) run by two tiny TorchScript modules
 * shipped as resources ({@code to_bf16.pt}, {@code to_fp32.pt}, made by {@code src/main/torchscript/make_casts.py}),
 * because DJL 0.36's {@code NDArray.toType(BFLOAT16)} aborts the JVM. Results live in the input's manager. DJL
 * reports a bf16 array's data type as {@code UNKNOWN}: "not FLOAT32" is how callers recognise it.
 */
public final class Bf16Casts implements AutoCloseable {
    private final NDManager manager;
    private final PtSymbolBlock toBf16;
    private final PtSymbolBlock toFp32;

    public Bf16Casts(NDManager parent) {
        this.manager = parent.newSubManager();
        try {
            this.toBf16 = load("to_bf16.pt");
            this.toFp32 = load("to_fp32.pt");
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private PtSymbolBlock load(String resource) {
        try (InputStream in = Bf16Casts.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource + " (run make_casts.py)");
            }
            return JniUtils.loadModule((PtNDManager) manager, in, false, false);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load cast module " + resource + ": " + e.getMessage(), e);
        }
    }

    /** {@code x} as bf16 (returned as is unless it is fp32). */
    public NDArray toBf16(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? run(toBf16, x) : x;
    }

    /** {@code x} as fp32 (returned as is when it already is). */
    public NDArray toFp32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : run(toFp32, x);
    }

    private static NDArray run(PtSymbolBlock module, NDArray x) {
        // isTrain = true: the module runs with autograd on (false would run it under NoGradGuard)
        return IValueUtils.forward(module, new NDList(x), true).singletonOrThrow();
    }

    @Override
    public void close() {
        toBf16.close();
        toFp32.close();
        manager.close();
    }
}
