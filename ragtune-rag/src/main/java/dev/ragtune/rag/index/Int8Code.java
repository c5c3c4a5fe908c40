package dev.ragtune.rag.index;

/**
 * One vector's int8 code: {@code c = round(v / scale)} with {@code scale = max|v_j| / 127}, and the coefficient of its
 * error bound. With {@code v = scale c + d} (d the quantization residual, |d| computed in double), a float query's
 * approximate score {@code a = fl(fl(sum q_j c_j) * scale)} obeys
 * {@code |q.v - a| <= |q| (|d| + scale |c| (gamma(n) + 2^-23))} where gamma(n) is {@link ExactRescorer#errorFactor}
 * (each product passes through at most n float roundings; the codes are small integers, exact in float) and 2^-23
 * covers the final multiply by the scale. A relative 1e-6 and an absolute 1e-9 margin cover the rounding of the stored
 * bound and of the double reference sum. {@link #errorCoef} is the factor of |q|.
 */
record Int8Code(float scale, double errorCoef) {
    /** Writes the codes of {@code vector} to {@code out[offset + j * stride]} and returns their scale and bound. */
    static Int8Code encode(float[] vector, byte[] out, int offset, int stride) {
        int dimension = vector.length;
        float max = 0;
        for (float x : vector) max = Math.max(max, Math.abs(x));
        float scale = max / 127f;
        double residual2 = 0;
        double codes2 = 0;
        for (int j = 0; j < dimension; j++) {
            int c = scale == 0 ? 0 : Math.max(-127, Math.min(127, Math.round(vector[j] / scale)));
            out[offset + j * stride] = (byte) c;
            double d = (double) vector[j] - (double) scale * c;
            residual2 += d * d;
            codes2 += (double) c * c;
        }
        double coef = Math.sqrt(residual2) * (1 + 1e-6)
                + scale * Math.sqrt(codes2) * (ExactRescorer.errorFactor(dimension) + 0x1p-23) + 1e-9;
        return new Int8Code(scale, coef);
    }
}
