package dev.ragtune.model.train;

import dev.ragtune.model.data.BatchOrder;

/**
 * Training-loop settings (HF Trainer names in brackets).
 *
 * @param batchSize          examples per micro-batch [per_device_train_batch_size]
 * @param gradAccum          micro-batches per optimizer step [gradient_accumulation_steps]; the loss of each is
 *                           divided by the number of micro-batches in its group
 * @param maxGradNorm        global L2 norm clip, ≤ 0 disables [max_grad_norm]
 * @param warmupRatio        fraction of optimizer steps with linear warm-up [warmup_ratio]
 * @param logEvery           log every N optimizer steps [logging_steps]
 * @param evalMaxNewTokens   greedy tokens generated per validation example for EM/F1 (0 skips generation)
 * @param precision          fp32, or bf16 autocast of the forward [bf16]
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, int gradAccum, double maxGradNorm,
                             double warmupRatio, double weightDecay, long seed, int logEvery, BatchOrder.Mode order,
                             int evalMaxNewTokens, Precision precision) {
    /** fp32 training. */
    public TrainingConfig(int epochs, int batchSize, double learningRate, int gradAccum, double maxGradNorm,
                          double warmupRatio, double weightDecay, long seed, int logEvery, BatchOrder.Mode order,
                          int evalMaxNewTokens) {
        this(epochs, batchSize, learningRate, gradAccum, maxGradNorm, warmupRatio, weightDecay, seed, logEvery, order,
                evalMaxNewTokens, Precision.FP32);
    }

    public TrainingConfig {
        if (precision == null) {
            throw new IllegalArgumentException("precision must be given (fp32 or bf16)");
        }
        if (epochs <= 0 || batchSize <= 0 || gradAccum <= 0 || logEvery <= 0) {
            throw new IllegalArgumentException("epochs, batch size, grad accumulation and log interval must be"
                    + " positive");
        }
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmup ratio must be in [0, 1], got " + warmupRatio);
        }
        if (weightDecay < 0 || evalMaxNewTokens < 0) {
            throw new IllegalArgumentException("weight decay and eval tokens must not be negative");
        }
    }

    public TrainingConfig withPrecision(Precision p) {
        return new TrainingConfig(epochs, batchSize, learningRate, gradAccum, maxGradNorm, warmupRatio, weightDecay,
                seed, logEvery, order, evalMaxNewTokens, p);
    }

    /** The defaults: 3 epochs, batch 8, lr 2e-4, no accumulation, clip 1.0, seed 42, length-grouped. */
    public static TrainingConfig defaults() {
        return new TrainingConfig(3, 8, 2e-4, 1, 1.0, 0.0, 0.0, 42, 10, BatchOrder.Mode.GROUP_BY_LENGTH, 64);
    }
}
