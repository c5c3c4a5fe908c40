package dev.ragtune.model.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.model.io.StagingFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a run is, saved in {@code trainer_state.json} beside the adapter and optimizer state. The data order and the
 * dropout random stream are pure functions of ({@code seed}, {@code epoch}) and ({@code seed}, {@code microStep}), so
 * these numbers pin them exactly; {@code dataOrderHash} detects changed training data on resume.
 *
 * @param batchInEpoch next micro-batch of {@code epoch} to run (always the start of an accumulation group)
 * @param precision    {@code fp32} or {@code bf16} (checkpoints from before this field read as fp32)
 */
public record TrainerState(long globalStep, int epoch, int batchInEpoch, long microStep, long seed,
                           int trainExamples, int batchSize, int gradAccum, int epochs, String orderMode,
                           String dataOrderHash, String precision) {
    public TrainerState {
        if (precision == null) {
            precision = Precision.FP32.cliName();
        }
    }

    static final String FILE = "trainer_state.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    void write(Path dir) {
        try {
            Path tmp = StagingFiles.createFile(dir, ".trainer_state", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + dir.resolve(FILE) + ": " + e.getMessage(), e);
        }
    }

    static TrainerState read(Path dir) {
        Path f = dir.resolve(FILE);
        try {
            return JSON.readValue(f.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read checkpoint state " + f + ": " + e.getMessage(), e);
        }
    }

    /** Fails naming the setting when a resumed run would not continue the same trajectory. */
    void requireCompatible(TrainerState now, Path dir) {
        check("seed", seed, now.seed, dir);
        check("number of training examples", trainExamples, now.trainExamples, dir);
        check("batch size", batchSize, now.batchSize, dir);
        check("gradient accumulation", gradAccum, now.gradAccum, dir);
        check("epochs", epochs, now.epochs, dir);
        check("batch order", orderMode, now.orderMode, dir);
        check("training data (order hash of epoch 0)", dataOrderHash, now.dataOrderHash, dir);
        check("--precision", precision, now.precision, dir);
    }

    private static void check(String what, Object then, Object now, Path dir) {
        if (!then.equals(now)) {
            throw new IllegalStateException("Cannot resume from " + dir + ": the checkpoint was made with " + what
                    + " = " + then + " but this run has " + now + "; use the same settings or start without --resume");
        }
    }
}
