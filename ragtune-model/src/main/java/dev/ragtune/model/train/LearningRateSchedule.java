package dev.ragtune.model.train;

/**
 * HF {@code get_linear_schedule_with_warmup}: the rate at optimizer step {@code s} (0-based) is
 * {@code peak · s / warmup} during warm-up, then {@code peak · (total − s) / (total − warmup)}, never below 0.
 */
public record LearningRateSchedule(double peak, long warmupSteps, long totalSteps) {
    public static LearningRateSchedule of(double peak, double warmupRatio, long totalSteps) {
        return new LearningRateSchedule(peak, (long) Math.ceil(warmupRatio * totalSteps), totalSteps);
    }

    public double at(long step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
