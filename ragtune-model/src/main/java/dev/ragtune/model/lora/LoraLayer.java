package dev.ragtune.model.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.t5.Bf16Autocast;
import dev.ragtune.model.t5.LinearAdapter;
import java.util.function.BooleanSupplier;

/**
 * One LoRA branch on a linear layer: {@code scaling · B(A · dropout(x))}, A [r, in], B [out, r] (PEFT layout).
 * Dropout is applied only while {@code training} says so, and draws from the engine's (PyTorch) random generator, so
 * a trainer that seeds the engine per step gets reproducible masks.
 */
final class LoraLayer implements LinearAdapter {
    private final String module;
    private final NDArray a;
    private final NDArray b;
    private final float scaling;
    private final float dropout;
    private final BooleanSupplier training;

    LoraLayer(String module, NDArray a, NDArray b, float scaling, float dropout, BooleanSupplier training) {
        this.module = module;
        this.a = a;
        this.b = b;
        this.scaling = scaling;
        this.dropout = dropout;
        this.training = training;
    }

    String module() {
        return module;
    }

    NDArray a() {
        return a;
    }

    NDArray b() {
        return b;
    }

    @Override
    public NDArray delta(NDArray x) {
        return delta(x, a, b);
    }

    /** bf16 matmuls on bf16 {@code x} with A and B cast from their fp32 masters (gradients reach them in fp32). */
    @Override
    public NDArray delta(NDArray x, Bf16Autocast autocast) {
        return delta(x, autocast.bf16(a), autocast.bf16(b));
    }

    private NDArray delta(NDArray x, NDArray a, NDArray b) {
        NDArray in = x;
        if (dropout > 0 && training.getAsBoolean()) {
            in = x.getNDArrayInternal().dropout(x, dropout, true).singletonOrThrow();
        }
        NDArray h = in.getNDArrayInternal().linear(in, a, null).singletonOrThrow();
        // scaling as a torch-owned array: autograd keeps the operand for backward (see T5Model#scalar)
        NDArray s = x.getManager().full(new Shape(), scaling, DataType.FLOAT32);
        return h.getNDArrayInternal().linear(h, b, null).singletonOrThrow().mul(s);
    }
}
