package dev.ragtune.rag.testsupport;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Test-only embedder: all-MiniLM-L6-v2 through LangChain4j (the same model ragtune's own embedder runs), with
 * vectors L2-normalized and cached on disk under {@code target/embedding-cache} keyed by the SHA-256 of the texts,
 * so several test classes embed the same corpus once per build.
 */
public final class MiniLmTestEmbeddings {
    private static final Path CACHE = Path.of("target", "embedding-cache");

    private MiniLmTestEmbeddings() {}

    public static float[][] embed(List<String> texts) {
        String key = sha256(texts);
        Path file = CACHE.resolve(key + ".f32");
        try {
            if (Files.isRegularFile(file)) {
                float[][] cached = read(file, texts.size());
                if (cached != null) return cached;
            }
            AllMiniLmL6V2EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
            List<TextSegment> segments = new ArrayList<>(texts.size());
            for (String t : texts) segments.add(TextSegment.from(t));
            List<Embedding> embeddings = model.embedAll(segments).content();
            float[][] out = new float[texts.size()][];
            for (int i = 0; i < out.length; i++) out[i] = normalize(embeddings.get(i).vector());
            write(file, out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        float inv = (float) (1 / Math.sqrt(s));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = v[i] * inv;
        return out;
    }

    private static float[][] read(Path file, int n) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int count = in.readInt();
            int dim = in.readInt();
            if (count != n) return null;
            byte[] bytes = in.readAllBytes();
            if (bytes.length != count * dim * 4) return null;
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            float[][] out = new float[count][dim];
            for (float[] row : out) for (int j = 0; j < dim; j++) row[j] = buf.getFloat();
            return out;
        }
    }

    private static void write(Path file, float[][] vectors) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "emb", ".tmp");
        int dim = vectors.length == 0 ? 0 : vectors[0].length;
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(tmp))) {
            out.writeInt(vectors.length);
            out.writeInt(dim);
            ByteBuffer buf = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float[] v : vectors) {
                buf.clear();
                for (float x : v) buf.putFloat(x);
                out.write(buf.array());
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String sha256(List<String> texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String t : texts) {
                md.update(t.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
