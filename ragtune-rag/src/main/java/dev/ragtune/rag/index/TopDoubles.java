package dev.ragtune.rag.index;

/** The k largest double values seen so far (a bounded min-heap of doubles); {@link #threshold()} is the k-th largest. */
final class TopDoubles {
    private final double[] heap;
    private int size;

    TopDoubles(int k) {
        heap = new double[k];
    }

    /** The k-th largest value offered so far, or negative infinity while fewer than k were offered. */
    double threshold() {
        return size < heap.length ? Double.NEGATIVE_INFINITY : heap[0];
    }

    void offer(double x) {
        if (size < heap.length) {
            int i = size++;
            heap[i] = x;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (heap[p] <= heap[i]) break;
                double t = heap[p]; heap[p] = heap[i]; heap[i] = t;
                i = p;
            }
        } else if (x > heap[0]) {
            heap[0] = x;
            int i = 0;
            while (true) {
                int l = 2 * i + 1, r = l + 1, m = i;
                if (l < size && heap[l] < heap[m]) m = l;
                if (r < size && heap[r] < heap[m]) m = r;
                if (m == i) break;
                double t = heap[m]; heap[m] = heap[i]; heap[i] = t;
                i = m;
            }
        }
    }
}
