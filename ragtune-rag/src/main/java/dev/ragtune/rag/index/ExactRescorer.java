package dev.ragtune.rag.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rounding-error bound of a float inner product summed sequentially over {@code n} terms.
 *
 * <p>For {@code s = fl(sum q[j]*v[j])} computed in float in any summation order in which each product passes
 * through at most n roundings (one multiply and at most n - 1 adds; a fused multiply-add only removes roundings,
 * so SIMD kernels with FMA and several accumulators, such as Lucene's, obey it too), the classic bound (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, eq. 3.5)
 * is {@code |s - exact| <= gamma(n) * sum |q[j] v[j]| <= gamma(n) * |q| * |v|} with
 * {@code gamma(n) = n u / (1 - n u)} and {@code u = 2^-24}. The bound returned here is doubled for margin (it also
 * covers the ~1e-14 rounding of the double rescoring and of the stored norms). Searches use it to keep every vector
 * whose float score could still reach the k-th best, then rescore those in double: the result equals an exhaustive
 * double-precision search exactly.
 */
final class ExactRescorer {
    private ExactRescorer() {}

    /** Multiplier of {@code |q| * |v|} bounding the error of a float dot product of length {@code n}. */
    static double errorFactor(int n) {
        double u = 0x1p-24;
        double nu = (n + 1) * u;
        return 2 * nu / (1 - nu);
    }

    /** Inner product of {@code query} with {@code v[offset .. offset + query.length)}, summed in double in index order. */
    static double dot(float[] query, float[] v, int offset) {
        double s = 0;
        for (int j = 0; j < query.length; j++) {
            s += (double) query[j] * (double) v[offset + j];
        }
        return s;
    }

    /**
     * The k best of {@code n} rescored candidates ({@code exact[i]}, {@code ids[i]}), best first, ties by smaller id:
     * the order every exact search returns.
     */
    static List<Neighbor> best(int k, int n, double[] exact, int[] ids) {
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> {
            int cmp = Double.compare(exact[b], exact[a]);
            return cmp != 0 ? cmp : Integer.compare(ids[a], ids[b]);
        });
        int out = Math.min(k, n);
        List<Neighbor> result = new ArrayList<>(out);
        for (int i = 0; i < out; i++) result.add(new Neighbor(ids[order[i]], (float) exact[order[i]]));
        return result;
    }

    /** L2 norm of {@code v} in double, nudged up so that it never underestimates. */
    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s) * (1 + 1e-12);
    }
}
