package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** k-means on a hand-made clustered set: unit vectors scattered tightly around 4 orthogonal axes. */
class SphericalKMeansTest {
    @Test
    void randomlySeededKMeansFindsOneCentroidPerWellSeparatedCluster() {
        int dim = 16, perCluster = 300;
        int[] axes = {0, 5, 9, 14};
        Random r = new Random(7);
        float[][] points = new float[axes.length * perCluster][dim];
        for (int c = 0; c < axes.length; c++) {
            for (int i = 0; i < perCluster; i++) {
                float[] p = points[c * perCluster + i];
                for (int j = 0; j < dim; j++) p[j] = (float) (0.05 * r.nextGaussian());
                p[axes[c]] += 1;
                double n = Math.sqrt(FlatIndexMath.dot(p, p));
                for (int j = 0; j < dim; j++) p[j] /= (float) n;
            }
        }
        for (long seed : new long[] {1, 42, 1234}) {
            float[][] centroids = SphericalKMeans.train(points, axes.length, IvfIndex.ITERATIONS, seed);
            Set<Integer> found = new HashSet<>();
            for (float[] c : centroids) {
                int best = 0;
                for (int a = 1; a < axes.length; a++) if (c[axes[a]] > c[axes[best]]) best = a;
                assertThat((double) c[axes[best]]).as("seed %d: centroid near axis %d", seed, axes[best]).isGreaterThan(0.95);
                found.add(best);
            }
            assertThat(found).as("seed %d: one centroid per cluster", seed).hasSize(axes.length);
        }
    }
}
