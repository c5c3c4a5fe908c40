package dev.ragtune.rag.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both {@link BlockKernel}s against a plain double-precision dot product on random data, within the float error bound. */
class BlockKernelTest {
    private static final int Q = BlockKernel.QUERIES;

    @Test
    void bothKernelsMatchAScalarDotProductOnFloatAndInt8Blocks() {
        for (BlockKernel kernel : new BlockKernel[] {new ScalarBlockKernel(), new PanamaBlockKernel()}) {
            for (int dim : new int[] {1, 7, 384}) {
                for (int lanes : new int[] {32, 70}) {
                    check(kernel, dim, lanes, 5);
                }
            }
        }
    }

    private static void check(BlockKernel kernel, int dim, int lanes, int nq) {
        Random r = new Random(dim * 31L + lanes);
        float[][] rows = new float[dim][lanes];
        byte[] codes = new byte[dim * lanes];
        float[] scales = new float[lanes + 3];
        for (int v = 0; v < lanes; v++) scales[v + 3] = 0.01f + r.nextFloat();
        for (int j = 0; j < dim; j++) {
            for (int v = 0; v < lanes; v++) {
                rows[j][v] = (float) r.nextGaussian();
                codes[j * lanes + v] = (byte) (r.nextInt(255) - 127);
            }
        }
        float[][] queries = new float[nq][dim];
        for (float[] q : queries) for (int j = 0; j < dim; j++) q[j] = (float) r.nextGaussian();
        float[] qt = new float[dim * Q];
        BlockKernel.transpose(queries, 0, nq, dim, qt);
        float[][] acc = new float[Q][lanes];
        float[][] accInt8 = new float[Q][lanes];
        kernel.floats(rows, dim, lanes, qt, acc);
        kernel.int8(codes, lanes, dim, lanes, scales, 3, qt, accInt8);
        double gamma = ExactRescorer.errorFactor(dim);
        for (int i = 0; i < Q; i++) {
            for (int v = 0; v < lanes; v++) {
                double exact = 0, exactInt8 = 0, abs = 0, absInt8 = 0;
                for (int j = 0; j < dim; j++) {
                    double q = i < nq ? queries[i][j] : 0;
                    exact += q * rows[j][v];
                    abs += Math.abs(q * rows[j][v]);
                    exactInt8 += q * codes[j * lanes + v];
                    absInt8 += Math.abs(q * codes[j * lanes + v]);
                }
                String what = kernel.name() + " dim " + dim + " query " + i + " vector " + v;
                assertThat((double) acc[i][v]).as(what).isCloseTo(exact, org.assertj.core.data.Offset.offset(gamma * abs + 1e-30));
                double s = scales[v + 3];
                assertThat((double) accInt8[i][v]).as("int8 " + what)
                        .isCloseTo(exactInt8 * s, org.assertj.core.data.Offset.offset((gamma * absInt8 + 0x1p-23 * Math.abs(exactInt8)) * s + 1e-30));
                if (i >= nq) assertThat(acc[i][v]).as("padding query " + what).isZero();
            }
        }
    }
}
