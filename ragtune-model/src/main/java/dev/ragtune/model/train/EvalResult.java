package dev.ragtune.model.train;

/**
 * Validation metrics: token-weighted mean cross-entropy, and SQuAD exact match / F1 in percent (NaN when generation
 * was skipped).
 */
public record EvalResult(double loss, double exactMatch, double f1, int examples) {
}
