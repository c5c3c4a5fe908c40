package dev.ragtune.model.train;

import java.util.List;

/**
 * What a {@link Trainer#fit} call did: optimizer steps reached, whether it stopped early on request (Ctrl-C), the
 * per-epoch validation results of this call.
 */
public record TrainingResult(long steps, boolean interrupted, List<EvalResult> validation) {
}
