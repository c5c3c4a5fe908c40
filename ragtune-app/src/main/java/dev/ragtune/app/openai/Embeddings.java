package dev.ragtune.app.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ragtune.rag.embed.Embedder;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code POST /v1/embeddings}: texts through the collection's embedder in one batch, so the vectors are those
 * {@code ingest} stores for the same texts (L2-normalized). {@code base64} is the little-endian float32 bytes of a
 * vector, as OpenAI encodes it.
 */
final class Embeddings {
    private final Embedder embedder;
    private final OpenAiApi.Limits limits;

    Embeddings(Embedder embedder, OpenAiApi.Limits limits) {
        this.embedder = embedder;
        this.limits = limits;
    }

    /** True for the embedder's id or its last segment ({@code all-MiniLM-L6-v2}). */
    boolean serves(String model) {
        String id = embedder.id();
        return model.equals(id) || model.equals(id.substring(id.lastIndexOf('/') + 1));
    }

    void handle(Context ctx, byte[] body) throws IOException {
        EmbeddingRequest r = Wire.JSON.readValue(body, EmbeddingRequest.class);
        if (r.model() == null || r.model().isBlank()) {
            throw ApiError.invalid("model", "the field 'model' is missing: use '" + embedder.id() + "'");
        }
        if (!serves(r.model())) {
            throw new ApiError(404, "invalid_request_error", "model", "model_not_found", "the embedding model '"
                    + r.model() + "' does not exist here; this server embeds with '" + embedder.id() + "'");
        }
        String format = r.encodingFormat() == null ? "float" : r.encodingFormat();
        if (!format.equals("float") && !format.equals("base64")) {
            throw ApiError.invalid("encoding_format", "encoding_format must be 'float' or 'base64', was '" + format + "'");
        }
        if (r.dimensions() != null && r.dimensions() != embedder.dimension()) {
            throw ApiError.unsupported("dimensions", "dimensions = " + r.dimensions() + " is not supported: "
                    + embedder.id() + " makes vectors of " + embedder.dimension());
        }
        List<String> texts = texts(r.input());
        float[][] vectors = embedder.embed(texts);
        List<EmbeddingList.Item> data = new ArrayList<>(texts.size());
        int tokens = 0;
        for (int i = 0; i < texts.size(); i++) {
            data.add(new EmbeddingList.Item("embedding", i, format.equals("base64") ? base64(vectors[i]) : vectors[i]));
            tokens += Math.min(embedder.count(texts.get(i)), embedder.maxTokens());
        }
        OpenAiApi.send(ctx, 200, new EmbeddingList("list", data, embedder.id(), Usage.embedding(tokens)));
    }

    private List<String> texts(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiError.invalid("input", "the field 'input' is missing: send a string or an array of strings");
        }
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
        } else if (input.isArray()) {
            if (input.isEmpty()) throw ApiError.invalid("input", "'input' is an empty array");
            if (input.size() > limits.maxEmbeddingInputs()) {
                throw ApiError.invalid("input", "'input' has " + input.size() + " texts; at most "
                        + limits.maxEmbeddingInputs() + " are accepted per request");
            }
            for (JsonNode t : input) {
                if (!t.isTextual()) {
                    throw ApiError.unsupported("input", "'input' must hold strings; token ids are not supported "
                            + "(ragtune tokenizes with the embedder's own tokenizer)");
                }
                texts.add(t.asText());
            }
        } else {
            throw ApiError.invalid("input", "'input' must be a string or an array of strings");
        }
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            if (t.isEmpty()) throw ApiError.invalid("input", "input[" + i + "] is empty");
            if (t.length() > limits.maxEmbeddingInputChars()) {
                throw ApiError.invalid("input", "input[" + i + "] has " + t.length() + " characters; at most "
                        + limits.maxEmbeddingInputChars() + " are accepted");
            }
        }
        return texts;
    }

    static String base64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) b.putFloat(x);
        return Base64.getEncoder().encodeToString(b.array());
    }
}
