package dev.ragtune.model.train;

/**
 * One logged optimizer step: mean training loss since the previous log, learning rate used, global gradient norm
 * before clipping, throughput since the previous log and the estimated time left (training steps only, no eval).
 */
public record StepLog(long step, long totalSteps, int epoch, double loss, double learningRate, double gradNorm,
                      double examplesPerSecond, double etaSeconds) {
}
