package dev.ragtune.rag.index;

/**
 * What the first pass of an exact search reads. Both give the same, exact results (the few vectors the first pass
 * cannot rule out are rescored in double); they differ only in speed and memory.
 *
 * <ul>
 *   <li>{@link #FLOAT32}: the float vectors in a block-transposed layout that Java 17's C2 auto-vectorizes.
 *   <li>{@link #INT8}: per-vector scaled int8 codes (a quarter of the bytes per query) plus the float vectors for
 *       rescoring (1.25× the memory). Its scan needs the JIT to vectorize byte-to-float conversion, which the JDK 25
 *       we measured does (≈ 4× faster than FLOAT32 at 50k × 384) and Java 17 does not (≈ 1.2× slower there).
 * </ul>
 */
public enum ScanPrecision {
    FLOAT32,
    INT8;

    /** {@link #INT8} on Java 25 or newer (where it was measured faster), else {@link #FLOAT32}. */
    public static ScanPrecision forThisJvm() {
        return Runtime.version().feature() >= 25 ? INT8 : FLOAT32;
    }
}
