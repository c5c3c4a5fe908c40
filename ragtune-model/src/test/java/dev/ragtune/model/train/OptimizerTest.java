package dev.ragtune.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AdamW and the LR schedule against PyTorch's published update rules, computed independently in double. */
class OptimizerTest {

    /** torch.optim.AdamW reference, one element. */
    static final class Reference {
        double p;
        double m;
        double v;
        int t;

        Reference(double p) {
            this.p = p;
        }

        void step(double g, double lr, double wd) {
            t++;
            p *= 1 - lr * wd;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            double bc1 = 1 - Math.pow(0.9, t);
            double bc2 = 1 - Math.pow(0.999, t);
            p -= lr / bc1 * m / (Math.sqrt(v) / Math.sqrt(bc2) + 1e-8);
        }
    }

    @Test
    void adamWMatchesTorchUpdateRuleWithClippingAndSurvivesSaveLoad(@TempDir Path tmp) {
        float[] init = {0.5f, -1.25f, 2f};
        float[] coef = {3f, -0.2f, 0.01f};
        Reference[] ref = {new Reference(init[0]), new Reference(init[1]), new Reference(init[2])};
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray p = manager.create(init);
            p.setRequiresGradient(true);
            AdamW opt = new AdamW(Map.of("p", p), 0.1, manager);
            double[] lrs = {0.01, 0.02, 0.005, 0.01};
            for (int step = 0; step < lrs.length; step++) {
                if (step == 2) {
                    opt.save(tmp.resolve("opt.safetensors"));
                    AdamW copy = new AdamW(Map.of("p", p), 0.1, manager);
                    copy.load(tmp.resolve("opt.safetensors"));
                    assertThat(copy.stepCount()).isEqualTo(2);
                    opt = copy;
                }
                try (NDManager scope = manager.newSubManager()) {
                    NDArray c = scope.create(coef);
                    try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                        // loss = sum(c * p^2) -> grad = 2 c p
                        gc.backward(p.square().mul(c).sum());
                    }
                    double norm = opt.gradNorm(scope);
                    double[] g = new double[3];
                    double sq = 0;
                    for (int i = 0; i < 3; i++) {
                        g[i] = 2 * coef[i] * ref[i].p;
                        sq += g[i] * g[i];
                    }
                    assertThat(norm).isCloseTo(Math.sqrt(sq), Offset.offset(1e-4));
                    double maxNorm = 1.0;
                    double scale = norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
                    opt.step(lrs[step], scale, scope);
                    for (int i = 0; i < 3; i++) {
                        ref[i].step(g[i] * scale, lrs[step], 0.1);
                    }
                }
                float[] actual = p.toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertThat((double) actual[i]).as("step %d elem %d", step, i)
                            .isCloseTo(ref[i].p, Offset.offset(2e-6));
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                assertThat(opt.gradNorm(scope)).as("gradients zeroed after the step").isZero();
            }
        }
    }

    @Test
    void linearScheduleWarmsUpThenDecaysToZero() {
        LearningRateSchedule s = LearningRateSchedule.of(1e-3, 0.1, 100);
        assertThat(s.warmupSteps()).isEqualTo(10);
        assertThat(s.at(0)).isZero();
        assertThat(s.at(5)).isCloseTo(5e-4, Offset.offset(1e-15));
        assertThat(s.at(10)).isCloseTo(1e-3, Offset.offset(1e-15));
        assertThat(s.at(55)).isCloseTo(1e-3 * 45 / 90, Offset.offset(1e-15));
        assertThat(s.at(100)).isZero();
        assertThat(LearningRateSchedule.of(2e-4, 0, 10).at(0)).isEqualTo(2e-4);
    }
}
