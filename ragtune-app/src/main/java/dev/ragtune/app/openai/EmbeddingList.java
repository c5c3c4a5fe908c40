package dev.ragtune.app.openai;

import java.util.List;

/** The answer of {@code POST /v1/embeddings}. */
record EmbeddingList(String object, List<Item> data, String model, Usage usage) {
    /** {@code embedding} is a float array, or a base64 string of little-endian float32 values. */
    record Item(String object, int index, Object embedding) {}
}
