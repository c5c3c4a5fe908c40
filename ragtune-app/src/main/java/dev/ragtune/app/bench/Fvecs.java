package dev.ragtune.app.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The {@code .fvecs} vector file format of the ANN benchmarks: per vector an int32 dimension, then float32s, little-endian. */
final class Fvecs {
    private Fvecs() {}

    /** Reads at most {@code limit} vectors (all if limit <= 0). */
    static float[][] read(Path file, int limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 4 || ch.read(head, 0) != 4) throw new IOException(file + " is empty, not an .fvecs file");
            int dim = head.flip().getInt();
            long rec = 4L + 4L * dim;
            if (dim <= 0 || size % rec != 0) {
                throw new IOException(file + " is not an .fvecs file (dimension " + dim + ", " + size + " bytes)");
            }
            long n = size / rec;
            int count = (int) (limit > 0 ? Math.min(limit, n) : n);
            float[][] out = new float[count][dim];
            ByteBuffer buf = ByteBuffer.allocate((int) rec).order(ByteOrder.LITTLE_ENDIAN);
            long pos = 0;
            for (int i = 0; i < count; i++, pos += rec) {
                buf.clear();
                while (buf.hasRemaining()) {
                    if (ch.read(buf, pos + buf.position()) < 0) throw new IOException(file + " ends early");
                }
                buf.flip();
                if (buf.getInt() != dim) throw new IOException(file + ": vector " + i + " has another dimension");
                for (int j = 0; j < dim; j++) out[i][j] = buf.getFloat();
            }
            return out;
        }
    }

    /** Writes the vectors atomically (temp file, then rename). */
    static void write(Path file, float[][] vectors) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".fvecs-", ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
                for (float[] v : vectors) {
                    ByteBuffer b = ByteBuffer.allocate(4 + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
                    b.putInt(v.length);
                    for (float x : v) b.putFloat(x);
                    out.write(b.array());
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
