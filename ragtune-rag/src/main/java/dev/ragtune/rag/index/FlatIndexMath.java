package dev.ragtune.rag.index;

/** Small vector arithmetic shared by the indexes. */
final class FlatIndexMath {
    private FlatIndexMath() {}

    /** Inner product summed in double. */
    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) s += (double) a[j] * b[j];
        return s;
    }
}
