package dev.ragtune.model.train;

import java.nio.file.Path;

/** Receives training progress (the CLI prints it; tests record it). All methods default to doing nothing. */
public interface TrainingListener {
    default void onStep(StepLog log) {
    }

    /** After each optimizer step with the step's mean loss (every step, unlike {@link #onStep}). */
    default void onOptimizerStep(long step, double loss) {
    }

    default void onEpochEnd(int epoch, double trainLoss, EvalResult validation) {
    }

    default void onCheckpoint(Path dir, long step) {
    }
}
