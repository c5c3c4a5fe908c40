package dev.ragtune.model.quant;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Multiplies fp32 activation rows by {@link Int8Matrix} weights ({@code y = x · Wᵀ}), splitting large matrices by
 * rows over its own threads. Uses the Java Vector API when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (the {@code ragtune} launcher does), plain Java otherwise.
 */
public final class Int8Gemm implements AutoCloseable {
    /** Products smaller than this many weights run on the calling thread (a hand-off costs more). */
    private static final long PARALLEL_MIN_WEIGHTS = 1L << 18;

    private final Int8Kernel kernel;
    private final ForkJoinPool pool;
    private final int threads;

    private Int8Gemm(Int8Kernel kernel, int threads) {
        this.kernel = kernel;
        this.threads = threads;
        this.pool = threads > 1 ? new ForkJoinPool(threads - 1) : null;
    }

    /** The fastest kernel this JVM offers, on {@code threads} threads (the caller's included). */
    public static Int8Gemm create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return new Int8Gemm(vectorApiAvailable() ? new VectorKernel() : new ScalarKernel(), threads);
    }

    /** The plain-Java kernel (to compare kernels in tests and benchmarks). */
    public static Int8Gemm scalar(int threads) {
        return new Int8Gemm(new ScalarKernel(), threads);
    }

    /** Whether {@code jdk.incubator.vector} is in this JVM's boot layer. */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** {@code y} [n, rows] = {@code x} [n, cols] · Wᵀ. */
    public void multiply(Int8Matrix w, float[] x, int n, float[] y) {
        if (x.length < (long) n * w.cols() || y.length < (long) n * w.rows()) {
            throw new IllegalArgumentException("x [" + n + ", " + w.cols() + "] or y [" + n + ", " + w.rows()
                    + "] too short");
        }
        int rows = w.rows();
        if (pool == null || (long) rows * w.cols() < PARALLEL_MIN_WEIGHTS) {
            kernel.multiply(w, x, n, y, 0, rows);
            return;
        }
        int per = (rows + threads - 1) / threads;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[threads - 1];
        for (int t = 1; t < threads; t++) {
            int r0 = Math.min(rows, t * per);
            int r1 = Math.min(rows, r0 + per);
            tasks[t - 1] = pool.submit(() -> kernel.multiply(w, x, n, y, r0, r1));
        }
        kernel.multiply(w, x, n, y, 0, Math.min(rows, per));
        for (ForkJoinTask<?> task : tasks) {
            task.join();
        }
    }

    /** The kernel and thread count, for reports. */
    public String describe() {
        return kernel.name() + ", " + threads + " thread(s)";
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}
