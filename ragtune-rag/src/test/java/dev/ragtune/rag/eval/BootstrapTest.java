package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paired bootstrap on cases whose interval is known by hand, and its determinism. */
class BootstrapTest {
    final Bootstrap bootstrap = new Bootstrap(1000, 42);

    @Test
    void identicalConfigurationsGiveTheIntervalZeroZero() {
        double[] a = {0, 1, 0.5, 0.25, 1, 0};
        Bootstrap.Interval i = bootstrap.difference(a, a.clone());
        assertThat(i.mean()).isZero();
        assertThat(i.low()).isZero();
        assertThat(i.high()).isZero();
        assertThat(i.significant()).isFalse();
    }

    @Test
    void aConstantDifferenceOfOneGivesTheIntervalOneOne() {
        double[] a = {0, 0, 0, 0, 0};
        double[] b = {1, 1, 1, 1, 1};
        Bootstrap.Interval i = bootstrap.difference(a, b);
        assertThat(i.mean()).isEqualTo(1.0);
        assertThat(i.low()).isEqualTo(1.0);
        assertThat(i.high()).isEqualTo(1.0);
        assertThat(i.significant()).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
        Random r = new Random(7);
        double[] a = new double[200], b = new double[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(2);
            b[i] = r.nextInt(2);
        }
        Bootstrap.Interval x = bootstrap.difference(a, b);
        assertThat(new Bootstrap(1000, 42).difference(a, b)).isEqualTo(x);
        assertThat(new Bootstrap(1000, 43).difference(a, b)).isNotEqualTo(x);
    }

    @Test
    void theIntervalOfCoinFlipDifferencesMatchesTheNormalApproximation() {
        // d_i in {-1, 0, 1}; the mean's standard error is sd/sqrt(n); the 95% interval is about mean ± 1.96·se
        Random r = new Random(11);
        int n = 400;
        double[] a = new double[n], b = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(2);
            b[i] = r.nextInt(2);
        }
        Bootstrap.Interval i = new Bootstrap(4000, 1).difference(a, b);
        double mean = 0, sq = 0;
        for (int j = 0; j < n; j++) mean += (b[j] - a[j]) / n;
        for (int j = 0; j < n; j++) sq += Math.pow(b[j] - a[j] - mean, 2);
        double se = Math.sqrt(sq / (n - 1)) / Math.sqrt(n);
        assertThat(i.mean()).isCloseTo(mean, within(1e-12));
        assertThat(i.low()).isCloseTo(mean - 1.96 * se, within(0.2 * se + 0.01));
        assertThat(i.high()).isCloseTo(mean + 1.96 * se, within(0.2 * se + 0.01));
        assertThat(i.low()).isLessThan(i.mean());
        assertThat(i.high()).isGreaterThan(i.mean());
    }

    @Test
    void unpairedOrEmptyInputIsRejected() {
        assertThatThrownBy(() -> bootstrap.difference(new double[2], new double[3])).hasMessageContaining("same questions");
        assertThatThrownBy(() -> bootstrap.difference(new double[0], new double[0])).hasMessageContaining("no questions");
        assertThatThrownBy(() -> new Bootstrap(0, 1)).hasMessageContaining("resamples");
    }
}
