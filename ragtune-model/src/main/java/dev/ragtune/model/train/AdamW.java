package dev.ragtune.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PyTorch's {@code torch.optim.AdamW} (decoupled weight decay; defaults betas 0.9/0.999, eps 1e-8): per step
 * {@code p ← p(1 − lr·wd)}, {@code m ← β1 m + (1−β1) g}, {@code v ← β2 v + (1−β2) g²},
 * {@code p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)}. Updates run in place outside autograd; state (m, v, t)
 * can be saved and restored bit-exactly.
 */
public final class AdamW {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    private final Map<String, NDArray> params;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final double weightDecay;
    private long t;

    /** State arrays are created in {@code stateManager} (long-lived, e.g. the adapter's). */
    public AdamW(Map<String, NDArray> params, double weightDecay, NDManager stateManager) {
        this.params = params;
        this.weightDecay = weightDecay;
        params.forEach((k, p) -> {
            m.put(k, stateManager.zeros(p.getShape()));
            v.put(k, stateManager.zeros(p.getShape()));
        });
    }

    public long stepCount() {
        return t;
    }

    /**
     * One update from the parameters' accumulated gradients, each multiplied by {@code gradScale} (clipping), then
     * zeroes the gradients. Temporaries live in {@code scope}.
     */
    public void step(double lr, double gradScale, NDManager scope) {
        t++;
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = 1 - Math.pow(BETA2, t);
        for (Map.Entry<String, NDArray> e : params.entrySet()) {
            NDArray p = e.getValue();
            NDArray g = p.getGradient();
            g.attach(scope);
            NDArray grad = g.mul((float) gradScale);
            NDArray mi = m.get(e.getKey());
            NDArray vi = v.get(e.getKey());
            mi.muli((float) BETA1).addi(grad.mul((float) (1 - BETA1)));
            vi.muli((float) BETA2).addi(grad.square().mul((float) (1 - BETA2)));
            if (weightDecay != 0) {
                p.muli((float) (1 - lr * weightDecay));
            }
            NDArray denom = tmp(vi.sqrt(), scope).divi((float) Math.sqrt(bc2)).addi((float) EPS);
            NDArray update = tmp(mi.div(denom), scope).muli((float) (lr / bc1));
            p.subi(update);
            g.muli(0f);
        }
    }

    /** Global L2 norm of all gradients (PyTorch {@code clip_grad_norm_}'s total norm). */
    public double gradNorm(NDManager scope) {
        NDArray total = null;
        for (NDArray p : params.values()) {
            NDArray g = p.getGradient();
            g.attach(scope);
            NDArray s = g.square().sum();
            total = total == null ? s : total.add(s);
        }
        return Math.sqrt(total.getFloat());
    }

    /** Sets all gradients to zero (e.g. after an interrupted accumulation group). */
    public void zeroGradients(NDManager scope) {
        for (NDArray p : params.values()) {
            NDArray g = p.getGradient();
            g.attach(scope);
            g.muli(0f);
        }
    }

    private static NDArray tmp(NDArray a, NDManager scope) {
        a.attach(scope);
        return a;
    }

    /** Writes m and v as {@code exp_avg.<key>} / {@code exp_avg_sq.<key>} and the step in metadata. */
    public void save(Path file) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        m.forEach((k, a) -> out.put("exp_avg." + k, a));
        v.forEach((k, a) -> out.put("exp_avg_sq." + k, a));
        SafetensorsWriter.write(file, out, Map.of("format", "pt", "step", Long.toString(t)));
    }

    /** Restores state written by {@link #save}; keys and shapes must match these parameters. */
    public void load(Path file) {
        SafetensorsReader r = SafetensorsReader.open(file);
        try (NDManager tmp = m.values().iterator().next().getManager().newSubManager()) {
            for (String k : params.keySet()) {
                for (String prefix : new String[] {"exp_avg.", "exp_avg_sq."}) {
                    String key = prefix + k;
                    if (!r.contains(key)) {
                        throw new IllegalStateException("Optimizer state " + file + " lacks " + key
                                + "; the checkpoint belongs to a different adapter configuration");
                    }
                    NDArray target = (prefix.equals("exp_avg.") ? m : v).get(k);
                    NDArray loaded = r.load(tmp, key);
                    if (!loaded.getShape().equals(target.getShape())) {
                        throw new IllegalStateException("Optimizer state " + key + " in " + file + " has shape "
                                + loaded.getShape() + ", expected " + target.getShape());
                    }
                    target.muli(0f).addi(loaded);
                }
            }
        }
        t = Long.parseLong(r.metadata().getOrDefault("step", "0"));
    }
}
