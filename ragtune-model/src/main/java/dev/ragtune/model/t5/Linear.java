package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import java.util.Objects;

/**
 * A bias-free linear layer {@code y = x Wᵀ (+ adapter(x))} with the weight in Hugging Face layout
 * {@code [out, in]}, named by its HF module path (e.g. {@code encoder.block.0.layer.0.SelfAttention.q}).
 *
 * <p>The weight is owned by the model's long-lived manager; results are attached to {@code x}'s manager so a
 * per-request scope frees them. An adapter (LoRA) may be attached and removed; while one is attached the fused
 * decoding path of {@link T5Model} uses this layer's own weight (per layer, and per q|k|v, wi_0|wi_1 and cross k|v
 * group) so the adapter is never bypassed. Replacing the weight makes the model rebuild its fused copies.
 */
public final class Linear {
    private final String name;
    private NDArray weight;
    private LinearAdapter adapter;

    Linear(String name, NDArray weight) {
        this.name = Objects.requireNonNull(name);
        this.weight = Objects.requireNonNull(weight);
    }

    /** HF module name without the {@code .weight} suffix. */
    public String name() {
        return name;
    }

    /** The frozen base weight {@code [out, in]}. */
    public NDArray weight() {
        return weight;
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    public LinearAdapter adapter() {
        return adapter;
    }

    /** Applies {@code x Wᵀ} plus the adapter's delta if one is attached. */
    public NDArray forward(NDArray x) {
        NDArray y = x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
        if (adapter != null) {
            y = y.add(adapter.delta(x));
        }
        return y;
    }

    /**
     * {@link #forward(NDArray)} under autocast: bf16 input and (cached) bf16 weight, bf16 output; the adapter gets the
     * bf16 input too. With {@code autocast == null} it is the fp32 forward.
     */
    public NDArray forward(NDArray x, Bf16Autocast autocast) {
        if (autocast == null) {
            return forward(x);
        }
        NDArray xb = autocast.bf16(x);
        NDArray y = xb.getNDArrayInternal().linear(xb, autocast.frozenWeight(weight), null).singletonOrThrow();
        if (adapter != null) {
            y = y.add(adapter.delta(xb, autocast));
        }
        return y;
    }

    void setAdapter(LinearAdapter adapter) {
        this.adapter = adapter;
    }

    /**
     * Replaces the base weight (e.g. LoRA merge {@code W + scaling·B·A}); the shape must match. The new array
     * should live in the model's manager; the caller closes the old weight.
     */
    public void replaceWeight(NDArray newWeight) {
        if (!newWeight.getShape().equals(weight.getShape())) {
            throw new IllegalArgumentException("New weight for " + name + " has shape " + newWeight.getShape()
                    + ", expected " + weight.getShape());
        }
        this.weight = newWeight;
    }

    /** Embedding lookup helper shared by the model: rows of {@code table} for {@code ids}, in ids' manager. */
    static NDArray embed(NDArray ids, NDArray table) {
        return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
    }
}
