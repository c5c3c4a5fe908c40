package dev.ragtune.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.ragtune.model.data.Batch;
import dev.ragtune.model.data.BatchOrder;
import dev.ragtune.model.data.TextCodec;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.io.FileTrees;
import dev.ragtune.model.io.StagingFiles;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.Bf16Autocast;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * LoRA fine-tuning loop: teacher-forced cross-entropy, AdamW with linear warm-up/decay, gradient accumulation and
 * global-norm clipping; after every epoch a validation pass (loss, greedy EM/F1) and a checkpoint in
 * {@code <output>/checkpoint/} (adapter in PEFT format, optimizer state, {@link TrainerState}); the final adapter is
 * written to {@code <output>/}.
 *
 * <p>Each micro-batch runs in its own NDManager scope. LoRA dropout draws from the engine's generator re-seeded with
 * ({@code seed}, micro-step), so a run resumed from a checkpoint continues exactly the uninterrupted run's trajectory.
 * {@link #requestStop()} (called by the JVM shutdown hook installed during {@link #fit}, i.e. on Ctrl-C) makes the
 * loop finish the current optimizer step, write a checkpoint and return. Sharp edge: T5's own dropout
 * ({@code dropout_rate}) is not applied — the base model always runs as in eval mode; only LoRA dropout is active.
 *
 * <p>{@link Precision#BF16} runs the teacher-forced forward (training and validation loss) under {@link Bf16Autocast}
 * as HF's {@code bf16=True}: bf16 matmuls; LoRA masters, loss, gradients and AdamW state stay fp32. Greedy EM/F1
 * decoding stays fp32. The CPU check is the caller's ({@link Precision#requireBf16Cpu}).
 */
public final class Trainer {
    static final String CHECKPOINT = "checkpoint";
    private static final long STOP_WAIT_SECONDS = 300;

    private final LoraAdapter adapter;
    private final TrainingConfig config;
    private final TextCodec codec;
    private final TrainingListener listener;
    private volatile boolean stopRequested;

    public Trainer(LoraAdapter adapter, TrainingConfig config, TextCodec codec, TrainingListener listener) {
        this.adapter = adapter;
        this.config = config;
        this.codec = codec;
        this.listener = listener == null ? new TrainingListener() { } : listener;
    }

    /** Asks a running {@link #fit} to checkpoint and return after the current optimizer step. Thread-safe. */
    public void requestStop() {
        stopRequested = true;
    }

    /** Optimizer steps a run of {@code trainExamples} examples makes. */
    public long totalSteps(int trainExamples) {
        int batches = (trainExamples + config.batchSize() - 1) / config.batchSize();
        return (long) config.epochs() * ((batches + config.gradAccum() - 1) / config.gradAccum());
    }

    /**
     * Trains on {@code train}, validating on {@code validation} (may be empty) after every epoch.
     *
     * @param resume continue from {@code <outputDir>/checkpoint} (settings and data must be the same)
     */
    public TrainingResult fit(List<TokenizedExample> train, List<TokenizedExample> validation, Path outputDir,
                              boolean resume) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("No training examples");
        }
        T5Model model = adapter.model();
        long pad = model.config().padTokenId();
        int nb = (train.size() + config.batchSize() - 1) / config.batchSize();
        long total = totalSteps(train.size());
        LearningRateSchedule schedule = LearningRateSchedule.of(config.learningRate(), config.warmupRatio(), total);
        AdamW optimizer = new AdamW(adapter.parameters(), config.weightDecay(), adapter.manager());
        TrainerState fresh = new TrainerState(0, 0, 0, 0, config.seed(), train.size(), config.batchSize(),
                config.gradAccum(), config.epochs(), config.order().name(), orderHash(train),
                config.precision().cliName());
        TrainerState state = fresh;
        Path checkpoint = outputDir.resolve(CHECKPOINT);
        try {
            Files.createDirectories(outputDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create output folder " + outputDir, e);
        }
        if (resume) {
            Path dir = existingCheckpoint(outputDir);
            state = TrainerState.read(dir);
            state.requireCompatible(fresh, dir);
            adapter.restoreWeights(dir.resolve("adapter_model.safetensors"));
            optimizer.load(dir.resolve("optimizer.safetensors"));
        }
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested = true;
            try {
                finished.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ragtune-train-checkpoint-on-exit");
        Runtime.getRuntime().addShutdownHook(hook);
        Bf16Autocast autocast = config.precision() == Precision.BF16 ? new Bf16Autocast(model.manager()) : null;
        model.useAutocast(autocast);
        List<EvalResult> evals = new ArrayList<>();
        long step = state.globalStep();
        long micro = state.microStep();
        try {
            Evaluator evaluator = new Evaluator(model, codec, config.batchSize(), config.evalMaxNewTokens());
            long windowStart = System.nanoTime();
            long windowExamples = 0;
            double windowLoss = 0;
            int windowSteps = 0;
            double lastNorm = 0;
            for (int epoch = state.epoch(); epoch < config.epochs(); epoch++) {
                List<int[]> order = BatchOrder.batches(train, config.batchSize(), config.seed(), epoch,
                        config.order());
                int b = epoch == state.epoch() ? state.batchInEpoch() : 0;
                double epochLoss = 0;
                int epochSteps = 0;
                while (b < nb) {
                    int groupEnd = Math.min(nb, b + config.gradAccum());
                    int groupSize = groupEnd - b;
                    double groupLoss = 0;
                    adapter.setTraining(true);
                    for (int mb = b; mb < groupEnd; mb++) {
                        Batch batch = batch(train, order.get(mb), pad);
                        try (NDManager scope = model.manager().newSubManager()) {
                            Engine.getEngine("PyTorch").setRandomSeed(dropoutSeed(micro));
                            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                                NDArray loss = model.loss(batch.inputIds(scope), batch.attentionMask(scope),
                                        batch.labels(scope));
                                gc.backward(loss.div(scope.full(new ai.djl.ndarray.types.Shape(), groupSize,
                                        ai.djl.ndarray.types.DataType.FLOAT32)));
                                groupLoss += loss.getFloat() / groupSize;
                            }
                        }
                        micro++;
                        windowExamples += batch.size();
                    }
                    adapter.setTraining(false);
                    double lr = schedule.at(step);
                    try (NDManager scope = model.manager().newSubManager()) {
                        lastNorm = optimizer.gradNorm(scope);
                        double scale = config.maxGradNorm() > 0 && lastNorm > config.maxGradNorm()
                                ? config.maxGradNorm() / (lastNorm + 1e-6) : 1.0;
                        optimizer.step(lr, scale, scope);
                    }
                    step++;
                    b = groupEnd;
                    epochLoss += groupLoss;
                    epochSteps++;
                    windowLoss += groupLoss;
                    windowSteps++;
                    listener.onOptimizerStep(step, groupLoss);
                    if (step % config.logEvery() == 0 || step == total) {
                        double secs = (System.nanoTime() - windowStart) / 1e9;
                        double perStep = secs / windowSteps;
                        listener.onStep(new StepLog(step, total, epoch, windowLoss / windowSteps, lr, lastNorm,
                                windowExamples / secs, perStep * (total - step)));
                        windowStart = System.nanoTime();
                        windowExamples = 0;
                        windowLoss = 0;
                        windowSteps = 0;
                    }
                    if (stopRequested) {
                        saveCheckpoint(outputDir, optimizer, stateAt(fresh, step, epoch, b, micro));
                        return new TrainingResult(step, true, evals);
                    }
                }
                EvalResult eval = validation == null || validation.isEmpty() ? null : evaluator.evaluate(validation);
                if (eval != null) {
                    evals.add(eval);
                }
                listener.onEpochEnd(epoch, epochSteps == 0 ? Double.NaN : epochLoss / epochSteps, eval);
                saveCheckpoint(outputDir, optimizer, stateAt(fresh, step, epoch + 1, 0, micro));
                if (stopRequested) {
                    return new TrainingResult(step, true, evals);
                }
            }
            adapter.save(outputDir);
            return new TrainingResult(step, false, evals);
        } finally {
            adapter.setTraining(false);
            model.useAutocast(null);
            if (autocast != null) {
                autocast.close();
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits on `finished`, released above
            }
        }
    }

    private static TrainerState stateAt(TrainerState fresh, long step, int epoch, int batch, long micro) {
        return new TrainerState(step, epoch, batch, micro, fresh.seed(), fresh.trainExamples(), fresh.batchSize(),
                fresh.gradAccum(), fresh.epochs(), fresh.orderMode(), fresh.dataOrderHash(), fresh.precision());
    }

    private int dropoutSeed(long micro) {
        return (int) (config.seed() * 1_000_003L + micro);
    }

    private static Batch batch(List<TokenizedExample> all, int[] indices, long pad) {
        List<TokenizedExample> chosen = new ArrayList<>(indices.length);
        for (int i : indices) {
            chosen.add(all.get(i));
        }
        return Batch.of(chosen, pad);
    }

    private String orderHash(List<TokenizedExample> train) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(8);
            for (int[] batch : BatchOrder.batches(train, config.batchSize(), config.seed(), 0, config.order())) {
                for (int i : batch) {
                    TokenizedExample e = train.get(i);
                    for (long[] ids : new long[][] {e.source(), e.target()}) {
                        for (long id : ids) {
                            buf.clear();
                            md.update(buf.putLong(id).array());
                        }
                        md.update((byte) 0xff);
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoint folder to resume from; a swap interrupted by a crash leaves the previous one as backup. */
    static Path existingCheckpoint(Path outputDir) {
        Path dir = outputDir.resolve(CHECKPOINT);
        if (Files.isRegularFile(dir.resolve(TrainerState.FILE))) {
            return dir;
        }
        Path old = outputDir.resolve(".checkpoint-old");
        if (Files.isRegularFile(old.resolve(TrainerState.FILE))) {
            return old;
        }
        throw new IllegalStateException("--resume: no checkpoint in " + dir + " (a run writes one after every epoch"
                + " and on Ctrl-C); start without --resume");
    }

    private void saveCheckpoint(Path outputDir, AdamW optimizer, TrainerState state) {
        Path dir = outputDir.resolve(CHECKPOINT);
        Path old = outputDir.resolve(".checkpoint-old");
        try {
            Path tmp = StagingFiles.createDirectory(outputDir, ".checkpoint-new-");
            adapter.save(tmp);
            optimizer.save(tmp.resolve("optimizer.safetensors"));
            state.write(tmp);
            FileTrees.delete(old);
            if (Files.exists(dir)) {
                Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(old);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint " + dir + ": " + e.getMessage(), e);
        }
        listener.onCheckpoint(dir, state.globalStep());
    }
}
