package dev.ragtune.rag.index;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Spherical k-means for the IVF coarse quantizer: random seeding (k distinct points, as FAISS), Lloyd iterations that
 * assign by largest inner product and re-normalize each centroid to unit length; an empty cluster is re-seeded with
 * a random point. Deterministic for a given seed and input order, whatever the number of threads.
 *
 * <p>Speed: the assignment of each Lloyd iteration, the bulk of the work (points ×
 * centroids × dimension), runs on the common fork-join pool in chunks of points, each with its own accumulator.
 */
final class SphericalKMeans {
    private SphericalKMeans() {}

    /** {@code k} unit-length centroids of {@code points} (assumed unit-length), after {@code iterations} rounds. */
    static float[][] train(float[][] points, int k, int iterations, long seed) {
        int n = points.length;
        int dim = points[0].length;
        if (k > n) throw new IllegalArgumentException("cannot train " + k + " centroids on " + n + " points");
        Random random = new Random(seed);
        float[][] centroids = seed(points, k, random);
        int[] assign = new int[n];
        for (int it = 0; it < iterations; it++) {
            assignAll(blocksOf(centroids), k, points, assign);
            double[][] sums = new double[k][dim];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                counts[assign[i]]++;
                double[] s = sums[assign[i]];
                float[] p = points[i];
                for (int j = 0; j < dim; j++) s[j] += p[j];
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    centroids[c] = points[random.nextInt(n)].clone();
                    continue;
                }
                double norm = 0;
                for (double x : sums[c]) norm += x * x;
                norm = Math.sqrt(norm);
                if (norm == 0) {
                    centroids[c] = points[random.nextInt(n)].clone();
                    continue;
                }
                for (int j = 0; j < dim; j++) centroids[c][j] = (float) (sums[c][j] / norm);
            }
        }
        return centroids;
    }

    /** Points per task of {@link #assignAll}: enough work per task to dwarf the scheduling. */
    private static final int ASSIGN_CHUNK = 512;

    /**
     * {@code assign[i]} = the centroid (in {@code blocks}, {@code k} of them) with the largest inner product with
     * {@code points[i]}, for every point: chunks of points in parallel, each chunk scoring groups of
     * {@link BlockKernel#QUERIES} points against each centroid block with the blocked product.
     */
    static void assignAll(VectorBlocks blocks, int k, float[][] points, int[] assign) {
        int chunks = (points.length + ASSIGN_CHUNK - 1) / ASSIGN_CHUNK;
        BlockKernel kernel = BlockKernel.forThisJvm();
        int dim = blocks.dimension;
        int g = BlockKernel.QUERIES;
        int bs = blocks.blockSize();
        IntStream.range(0, chunks).parallel().forEach(c -> {
            float[] qt = new float[dim * g];
            float[][] acc = new float[g][bs];
            float[] bestScore = new float[g];
            for (int i = c * ASSIGN_CHUNK, end = Math.min(points.length, i + ASSIGN_CHUNK); i < end; i += g) {
                int m = Math.min(g, end - i);
                BlockKernel.transpose(points, i, m, dim, qt);
                java.util.Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
                for (int p = 0; p < m; p++) assign[i + p] = 0;
                for (int b = 0, nb = blocks.blockCount(); b < nb; b++) {
                    blocks.scoreBlockGroup(kernel, b, qt, acc);
                    int lanes = Math.min(bs, k - b * bs);
                    for (int p = 0; p < m; p++) {
                        float[] a = acc[p];
                        for (int l = 0; l < lanes; l++) {
                            if (a[l] > bestScore[p]) {
                                bestScore[p] = a[l];
                                assign[i + p] = b * bs + l;
                            }
                        }
                    }
                }
            }
        });
    }

    /** Index of the centroid (in {@code blocks}, {@code k} of them) with the largest inner product with {@code v}. */
    static int nearest(VectorBlocks blocks, int k, float[] v, float[] acc) {
        int best = 0;
        float bestScore = Float.NEGATIVE_INFINITY;
        int bs = blocks.blockSize();
        for (int b = 0, nb = blocks.blockCount(); b < nb; b++) {
            blocks.scoreBlock(b, v, acc);
            int lanes = Math.min(bs, k - b * bs);
            for (int l = 0; l < lanes; l++) {
                if (acc[l] > bestScore) {
                    bestScore = acc[l];
                    best = b * bs + l;
                }
            }
        }
        return best;
    }

    static VectorBlocks blocksOf(float[][] vectors) {
        VectorBlocks blocks = new VectorBlocks(vectors[0].length, 256);
        for (float[] v : vectors) blocks.append(v);
        return blocks;
    }

    /** FAISS's seeding: k distinct points picked uniformly at random (k-means++ cost more than the iterations). */
    private static float[][] seed(float[][] points, int k, Random random) {
        int[] idx = sample(points.length, k, random);
        float[][] centroids = new float[k][];
        for (int c = 0; c < k; c++) centroids[c] = points[idx[c]].clone();
        return centroids;
    }

    /** {@code m} distinct indices of {@code [0, n)}, in increasing order (partial Fisher-Yates). */
    static int[] sample(int n, int m, Random random) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        for (int i = 0; i < m; i++) {
            int j = i + random.nextInt(n - i);
            int t = all[i]; all[i] = all[j]; all[j] = t;
        }
        int[] out = Arrays.copyOf(all, m);
        Arrays.sort(out);
        return out;
    }
}
