package dev.ragtune.rag.eval;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Paired bootstrap of the difference of a per-question metric between two configurations: the questions are
 * resampled with replacement, the mean difference recomputed, and the 2.5th and 97.5th percentiles (nearest rank) of
 * those means give the 95% interval. The same seed gives the same interval.
 *
 * @param resamples how many bootstrap samples (e.g. 1,000)
 * @param seed      seed of the resampling
 */
public record Bootstrap(int resamples, long seed) {
    /** Mean difference {@code b - a} over the questions and its 95% interval. */
    public record Interval(double mean, double low, double high, int questions) {
        /** True when the interval excludes 0: the difference is unlikely to be resampling noise. */
        public boolean significant() {
            return low > 0 || high < 0;
        }
    }

    public Bootstrap {
        if (resamples < 1) throw new IllegalArgumentException("resamples must be >= 1, was " + resamples);
    }

    /**
     * The paired difference {@code b[i] - a[i]} of two configurations over the same questions.
     *
     * @throws IllegalArgumentException when the arrays differ in length or are empty
     */
    public Interval difference(double[] a, double[] b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired bootstrap needs the same questions: " + a.length + " vs " + b.length);
        }
        int n = a.length;
        if (n == 0) throw new IllegalArgumentException("no questions to compare");
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            d[i] = b[i] - a[i];
            sum += d[i];
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int r = 0; r < resamples; r++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += d[random.nextInt(n)];
            means[r] = s / n;
        }
        Arrays.sort(means);
        return new Interval(sum / n, percentile(means, 0.025), percentile(means, 0.975), n);
    }

    /** Nearest-rank percentile of sorted values: the value at rank ceil(q·n), 1-based. */
    static double percentile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
