package dev.ragtune.rag.index;

import java.util.Arrays;

/**
 * A binary min-heap of (float score, int ord) pairs packed in longs: the high 32 bits hold the score mapped to an int of
 * the same order ({@link #sortable}), the low 32 bits the ord, so one long comparison orders by score, then ord.
 * {@link #pushMax}/{@link #popMax} keep the complement of the key, turning the same heap into a max-heap.
 * Reused across queries: {@link #clear} keeps the array.
 */
final class ScoredOrds {
    private long[] heap;
    private int size;

    ScoredOrds(int capacity) {
        heap = new long[Math.max(capacity, 8)];
    }

    static int sortable(float score) {
        int bits = Float.floatToRawIntBits(score);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static long key(float score, int ord) {
        return ((long) sortable(score) << 32) | (ord & 0xffffffffL);
    }

    static float score(long key) {
        int s = (int) (key >> 32);
        return Float.intBitsToFloat(s ^ ((s >> 31) & 0x7fffffff));
    }

    static int ord(long key) {
        return (int) key;
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
    }

    /** The smallest key (min-heap use); the heap must not be empty. */
    long peek() {
        return heap[0];
    }

    void push(long key) {
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        int i = size++;
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (heap[p] <= key) break;
            heap[i] = heap[p];
            i = p;
        }
        heap[i] = key;
    }

    long pop() {
        long top = heap[0];
        long last = heap[--size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < size && heap[c + 1] < heap[c]) c++;
            if (last <= heap[c]) break;
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = last;
        return top;
    }

    void pushMax(long key) {
        push(~key);
    }

    long popMax() {
        return ~pop();
    }

    /** Key at array position {@code i} (0 <= i < size), in no particular order. */
    long at(int i) {
        return heap[i];
    }
}
