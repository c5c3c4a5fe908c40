package dev.ragtune.rag.embed;

/**
 * How an {@link OnnxEmbedder} spends the machine: model batches and threads. None of these change the vectors
 * beyond float rounding (≈1e-6), except {@code maxTokens}, which truncates texts earlier than the model would.
 *
 * @param workers        batches run at the same time, each on its own thread, all on one ONNX session
 * @param intraOpThreads ONNX Runtime threads inside one batch; {@code workers × intraOpThreads} should not exceed
 *                       the cores
 * @param tokenBudget    at most {@code texts × padded length} tokens per model batch
 * @param maxBatchSize   at most this many texts per model batch
 * @param maxTokens      cap on tokens per text (special tokens included); 0 means the model's own limit. A value
 *                       above the model's limit is lowered to it
 */
public record EmbeddingSettings(int workers, int intraOpThreads, int tokenBudget, int maxBatchSize, int maxTokens) {
    public EmbeddingSettings {
        if (workers < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("workers and intraOpThreads must be >= 1, got " + workers + " and "
                    + intraOpThreads);
        }
        if (tokenBudget < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("tokenBudget and maxBatchSize must be >= 1, got " + tokenBudget
                    + " and " + maxBatchSize);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0 (0 = model limit), got " + maxTokens);
        }
    }

    /**
     * One worker per available core with one ONNX thread each, batches of at most 512 padded tokens and 16 texts,
     * the model's own token limit. Measured with {@code EmbedBench} on 2 cores: small batches beat big ones per CPU
     * second (64 × 128-token batches were ~25% slower, their activations no longer fit the caches), and independent
     * single-threaded batches use fewer CPU seconds per text than one batch split over two ONNX threads.
     */
    public static EmbeddingSettings defaults() {
        return new EmbeddingSettings(Runtime.getRuntime().availableProcessors(), 1, 512, 16, 0);
    }

    public EmbeddingSettings withWorkers(int workers, int intraOpThreads) {
        return new EmbeddingSettings(workers, intraOpThreads, tokenBudget, maxBatchSize, maxTokens);
    }

    public EmbeddingSettings withBatching(int tokenBudget, int maxBatchSize) {
        return new EmbeddingSettings(workers, intraOpThreads, tokenBudget, maxBatchSize, maxTokens);
    }

    public EmbeddingSettings withMaxTokens(int maxTokens) {
        return new EmbeddingSettings(workers, intraOpThreads, tokenBudget, maxBatchSize, maxTokens);
    }
}
