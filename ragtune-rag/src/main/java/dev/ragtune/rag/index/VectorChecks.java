package dev.ragtune.rag.index;

import java.util.HashSet;
import java.util.Set;

/** Argument validation shared by the indexes, with messages that say what was wrong. */
final class VectorChecks {
    private VectorChecks() {}

    static void checkBatch(int[] ids, float[][] vectors, int dimension) {
        if (ids == null || vectors == null) throw new IllegalArgumentException("ids and vectors must not be null");
        if (ids.length != vectors.length) {
            throw new IllegalArgumentException(ids.length + " ids but " + vectors.length + " vectors");
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0) throw new IllegalArgumentException("ids must be >= 0, ids[" + i + "] = " + ids[i]);
            if (!seen.add(ids[i])) throw new IllegalArgumentException("id " + ids[i] + " appears twice in one add");
            checkVector(vectors[i], dimension, "vectors[" + i + "] (id " + ids[i] + ")");
        }
    }

    static void checkQuery(float[] query, int k, int dimension) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, was " + k);
        checkVector(query, dimension, "query");
    }

    private static void checkVector(float[] v, int dimension, String what) {
        if (v == null) throw new IllegalArgumentException(what + " is null");
        if (v.length != dimension) {
            throw new IllegalArgumentException(what + " has dimension " + v.length + " but the index has " + dimension);
        }
        for (int j = 0; j < v.length; j++) {
            if (!Float.isFinite(v[j])) throw new IllegalArgumentException(what + "[" + j + "] is " + v[j]);
        }
    }
}
