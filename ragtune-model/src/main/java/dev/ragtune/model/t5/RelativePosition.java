package dev.ragtune.model.t5;

/**
 * T5's relative-position buckets ({@code T5Attention._relative_position_bucket}): exact buckets for small
 * distances, log-spaced buckets up to {@code maxDistance}, everything beyond clipped to the last bucket.
 * Bidirectional (encoder) halves the buckets between past and future; unidirectional (decoder) only sees the past.
 * The log step is computed in float32 like PyTorch so bucket boundaries match HF exactly.
 */
public final class RelativePosition {
    private RelativePosition() {
    }

    /** Bucket of {@code relativePosition = keyPosition - queryPosition}. */
    public static int bucket(int relativePosition, boolean bidirectional, int numBuckets, int maxDistance) {
        int buckets = 0;
        int n = numBuckets;
        int rp;
        if (bidirectional) {
            n /= 2;
            if (relativePosition > 0) {
                buckets += n;
            }
            rp = Math.abs(relativePosition);
        } else {
            rp = -Math.min(relativePosition, 0);
        }
        int maxExact = n / 2;
        if (rp < maxExact) {
            return buckets + rp;
        }
        float ratio = (float) rp / (float) maxExact;
        float logRatio = (float) Math.log(ratio);
        float scaled = logRatio / (float) Math.log((double) maxDistance / maxExact) * (float) (n - maxExact);
        int large = maxExact + (int) scaled;
        return buckets + Math.min(large, n - 1);
    }

    /**
     * Buckets for query positions {@code queryOffset .. queryOffset+qLen-1} against keys {@code 0 .. kLen-1},
     * row-major [qLen, kLen].
     */
    public static long[] buckets(int qLen, int kLen, int queryOffset, boolean bidirectional, int numBuckets,
                                 int maxDistance) {
        long[] out = new long[qLen * kLen];
        for (int q = 0; q < qLen; q++) {
            for (int k = 0; k < kLen; k++) {
                out[q * kLen + k] = bucket(k - (q + queryOffset), bidirectional, numBuckets, maxDistance);
            }
        }
        return out;
    }
}
