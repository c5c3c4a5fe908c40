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
     * One worker per available core, each running its own batches on one ONNX thread; batches of at most 512 padded
     * tokens and 16 texts; the model's own token limit. Measured with {@code EmbedBench --configs 2x1,1x2} on the
     * 2-core machine: two single-threaded workers always used fewer CPU seconds per text (36–41 vs 32–34 chunks per
     * CPU second) and, at load ≈ 6, ran 1.96× the wall throughput of one batch on 2 ONNX threads (52.6 vs 26.9
     * chunks/s); only on a machine overloaded 8× (load ≈ 17) did the 2-thread batch win on wall time (1.4–1.7×).
     * Small batches beat big ones per CPU second: 64 × 128-token batches were ~25% slower (their activations no
     * longer fit the caches).
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
