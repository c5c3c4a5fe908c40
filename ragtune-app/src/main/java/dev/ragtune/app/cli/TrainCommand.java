package dev.ragtune.app.cli;

import dev.ragtune.app.wiring.LoadedModel;
import dev.ragtune.app.wiring.ModelLoader;
import dev.ragtune.app.wiring.ModelRequest;
import dev.ragtune.app.wiring.TokenizerCodec;
import dev.ragtune.model.data.BatchOrder;
import dev.ragtune.model.data.DataSlice;
import dev.ragtune.model.data.DatasetFormatException;
import dev.ragtune.model.data.ExampleEncoder;
import dev.ragtune.model.data.PromptTemplate;
import dev.ragtune.model.data.QaDatasetReader;
import dev.ragtune.model.data.QaExample;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.lora.AdapterException;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.lora.LoraConfig;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.t5.UnsupportedModelException;
import dev.ragtune.model.tokenize.T5Tokenizer;
import dev.ragtune.model.train.EvalResult;
import dev.ragtune.model.train.StepLog;
import dev.ragtune.model.train.Trainer;
import dev.ragtune.model.train.Precision;
import dev.ragtune.model.train.TrainingConfig;
import dev.ragtune.model.train.TrainingListener;
import dev.ragtune.model.train.TrainingResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code ragtune train}: LoRA fine-tuning of a FLAN-T5 folder on SQuAD-style data; writes a PEFT adapter to
 * {@code --output} (checkpoints in {@code --output/checkpoint}). Ctrl-C writes a checkpoint; {@code --resume}
 * continues from it. Exit codes: 0 done, 2 bad input, 130 interrupted (checkpoint written).
 */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Fine-tune a T5 / FLAN-T5 model folder with LoRA on SQuAD v1.1 JSON or JSONL data and save a"
                + " PEFT-compatible adapter.")
public final class TrainCommand implements Callable<Integer> {
    private static final Pattern REGEX_CHARS = Pattern.compile("[.*+?\\[\\](){}|^$\\\\]");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|ORG/NAME",
            description = "Base model (with tokenizer.json): a Hugging Face folder, or ORG/NAME[@REV] pulled with "
                    + "'ragtune model pull'")
    String model;

    @Option(names = "--init-adapter", paramLabel = "DIR",
            description = "Start from this PEFT LoRA adapter (e.g. a colleague's) instead of a fresh one; its r, "
                    + "alpha, dropout and target modules are kept")
    Path initAdapter;

    @Option(names = "--train", required = true, description = "Training data: SQuAD v1.1 .json or .jsonl")
    Path train;

    @Option(names = "--train-split", defaultValue = "", description = "Slice of the training file, e.g. train[:2%%]")
    String trainSplit;

    @Option(names = "--val", description = "Validation data (SQuAD .json or .jsonl); none skips evaluation")
    Path val;

    @Option(names = "--val-split", defaultValue = "", description = "Slice of the validation file, e.g. validation[:2%%]")
    String valSplit;

    @Option(names = "--output", required = true, description = "Folder for the adapter and checkpoints")
    Path output;

    @Option(names = "--epochs", defaultValue = "3", description = "Training epochs")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "8", description = "Examples per micro-batch")
    int batchSize;

    @Option(names = "--lr", defaultValue = "2e-4", description = "Peak learning rate (AdamW)")
    double lr;

    @Option(names = "--lora-r", defaultValue = "8", description = "LoRA rank r")
    int loraR;

    @Option(names = "--lora-alpha", defaultValue = "16", description = "LoRA alpha (scale = alpha / r)")
    int loraAlpha;

    @Option(names = "--lora-dropout", defaultValue = "0.05", description = "Dropout on the LoRA branch input")
    double loraDropout;

    @Option(names = "--target-modules", defaultValue = "q,v",
            description = "Module names (comma-separated; a name matches the last path components) or one regex "
                    + "that must match the whole module name, as PEFT")
    String targetModules;

    @Option(names = "--grad-accum", defaultValue = "1", description = "Micro-batches per optimizer step")
    int gradAccum;

    @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Clip the global gradient norm (0 = off)")
    double maxGradNorm;

    @Option(names = "--warmup-ratio", defaultValue = "0.0", description = "Fraction of steps with linear warm-up")
    double warmupRatio;

    @Option(names = "--weight-decay", defaultValue = "0.0", description = "AdamW decoupled weight decay")
    double weightDecay;

    @Option(names = "--seed", defaultValue = "42", description = "Seed for LoRA init, data order and dropout")
    long seed;

    @Option(names = "--max-source", defaultValue = "512", description = "Prompt tokens kept (longer ones truncated)")
    int maxSource;

    @Option(names = "--max-target", defaultValue = "64", description = "Answer tokens kept; also greedy length in eval")
    int maxTarget;

    @Option(names = "--template", description = "File holding the prompt template with {context} and {question} (one"
            + " final line break is dropped); default: Contexto: {context}\\nPergunta: {question}\\nResponda de forma"
            + " objetiva:")
    Path template;

    @Option(names = "--log-every", defaultValue = "10", description = "Log every N optimizer steps")
    int logEvery;

    @Option(names = "--batching", defaultValue = "length-grouped",
            description = "length-grouped (HF group_by_length) or plain (shuffled, padded per batch)")
    String batching;

    @Option(names = "--resume", defaultValue = "false", description = "Continue from --output/checkpoint")
    boolean resume;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu only if DJL reports one)")
    String device;

    @Option(names = "--precision", defaultValue = "fp32",
            description = "fp32, or bf16: autocast as HF bf16=True (bf16 matmuls; fp32 LoRA weights, loss and"
                    + " optimizer); refused on a CPU without avx512_bf16/amx_bf16")
    String precision;

    @Option(names = "--skip-bf16-check", defaultValue = "false",
            description = "Run --precision bf16 even if the CPU shows no bf16 instructions (slow; for testing)")
    boolean skipBf16Check;

    @Option(names = "--cpuinfo", hidden = true, defaultValue = "/proc/cpuinfo", description = "CPU flags file (tests)")
    Path cpuinfo;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            PromptTemplate prompt = template == null ? PromptTemplate.DEFAULT
                    : new PromptTemplate(Files.readString(template, StandardCharsets.UTF_8).replaceFirst("\\R\\z", ""));
            BatchOrder.Mode order = switch (batching) {
                case "length-grouped" -> BatchOrder.Mode.GROUP_BY_LENGTH;
                case "plain" -> BatchOrder.Mode.PLAIN;
                default -> throw new IllegalArgumentException("--batching must be length-grouped or plain, got "
                        + batching);
            };
            Precision arithmetic = Precision.parse(precision);
            if (arithmetic == Precision.BF16) {
                if (!device.equals("cpu")) {
                    err.println("--precision bf16 is implemented for --device cpu only; use --precision fp32 on "
                            + device);
                    return 2;
                }
                if (!skipBf16Check) {
                    Precision.requireBf16Cpu(cpuinfo);
                }
            }
            TrainingConfig config = new TrainingConfig(epochs, batchSize, lr, gradAccum, maxGradNorm, warmupRatio,
                    weightDecay, seed, logEvery, order, maxTarget, arithmetic);
            if (initAdapter != null) {
                if (!Files.isDirectory(initAdapter)) {
                    err.println("--init-adapter " + initAdapter + " is not a folder; give a PEFT adapter folder "
                            + "(adapter_config.json + adapter_model.safetensors)");
                    return 2;
                }
                for (String o : new String[] {"--lora-r", "--lora-alpha", "--lora-dropout", "--target-modules"}) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                        err.println(o + " cannot be combined with --init-adapter: the adapter in " + initAdapter
                                + " fixes it (see its adapter_config.json)");
                        return 2;
                    }
                }
            }
            List<QaExample> trainExamples = QaDatasetReader.read(train, DataSlice.parse(trainSplit), prompt);
            List<QaExample> valExamples = val == null ? List.of()
                    : QaDatasetReader.read(val, DataSlice.parse(valSplit), prompt);
            if (trainExamples.isEmpty()) {
                err.println("The slice '" + trainSplit + "' of " + train + " holds no examples");
                return 2;
            }
            try (LoadedModel loaded = ModelLoader.fromEnvironment().open(new ModelRequest(model, initAdapter, device,
                    ModelRequest.Tokenizer.REQUIRED));
                 LoraAdapter adapter = loaded.adapter() != null ? null
                         : LoraAdapter.create(loaded.model(), loraConfig(loaded.name()), seed)) {
                T5Model t5 = loaded.model();
                T5Tokenizer tokenizer = loaded.tokenizer();
                LoraAdapter trained = adapter != null ? adapter : loaded.adapter();
                TokenizerCodec codec = new TokenizerCodec(tokenizer);
                ExampleEncoder encoder = new ExampleEncoder(codec, maxSource, maxTarget, t5.config().eosTokenId());
                List<TokenizedExample> trainSet = encoder.encode(trainExamples, train.toString()).examples();
                List<TokenizedExample> valSet = encoder.encode(valExamples, String.valueOf(val)).examples();
                out.println(trained.trainableSummary() + (initAdapter == null ? ""
                        : " (starting from " + initAdapter.toAbsolutePath() + ")"));
                Trainer trainer = new Trainer(trained, config, codec, new Progress(out, err));
                out.printf(Locale.ROOT, "training on %d examples (%d validation), %d optimizer steps%s%n",
                        trainSet.size(), valSet.size(), trainer.totalSteps(trainSet.size()),
                        resume ? ", resuming from " + output.resolve("checkpoint") : "");
                out.flush();
                TrainingResult result = trainer.fit(trainSet, valSet, output, resume);
                if (result.interrupted()) {
                    out.println("interrupted at step " + result.steps() + "; checkpoint in "
                            + output.resolve("checkpoint") + " (continue with --resume)");
                    out.flush();
                    return 130;
                }
                out.println("adapter saved to " + output.toAbsolutePath() + " (adapter_config.json,"
                        + " adapter_model.safetensors)");
                out.flush();
                return 0;
            }
        } catch (DatasetFormatException | AdapterException | UnsupportedModelException | IllegalArgumentException
                 | IllegalStateException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        } catch (IOException e) {
            err.println("Cannot read " + template + ": " + e.getMessage());
            return 2;
        }
    }

    LoraConfig loraConfig(String base) {
        if (REGEX_CHARS.matcher(targetModules).find()) {
            return new LoraConfig(loraR, loraAlpha, loraDropout, null, targetModules, base);
        }
        List<String> names = Arrays.stream(targetModules.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .toList();
        return LoraConfig.of(loraR, loraAlpha, loraDropout, names, base);
    }

    /** Prints a progress line on stderr every step and a log line on stdout every --log-every steps. */
    static final class Progress implements TrainingListener {
        private final PrintWriter out;
        private final PrintWriter err;

        /** A console redraws one status line with {@code \r}; a file or pipe gets only the logged step lines. */
        private final boolean terminal = System.console() != null;

        Progress(PrintWriter out, PrintWriter err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public void onOptimizerStep(long step, double loss) {
            if (!terminal) return;
            err.printf(Locale.ROOT, "\rstep %d  loss %.4f", step, loss);
            err.flush();
        }

        @Override
        public void onStep(StepLog log) {
            if (terminal) err.print("\r");
            out.printf(Locale.ROOT, "step %d/%d | epoch %d | loss %.4f | lr %.3e | grad norm %.3f | %.2f examples/s"
                            + " | ETA %s%n", log.step(), log.totalSteps(), log.epoch() + 1, log.loss(),
                    log.learningRate(), log.gradNorm(), log.examplesPerSecond(), eta(log.etaSeconds()));
            out.flush();
        }

        @Override
        public void onEpochEnd(int epoch, double trainLoss, EvalResult v) {
            if (v == null) {
                out.printf(Locale.ROOT, "epoch %d done | train loss %.4f%n", epoch + 1, trainLoss);
            } else {
                out.printf(Locale.ROOT, "epoch %d done | train loss %.4f | val loss %.4f | EM %.2f | F1 %.2f (%d"
                        + " examples)%n", epoch + 1, trainLoss, v.loss(), v.exactMatch(), v.f1(), v.examples());
            }
            out.flush();
        }

        @Override
        public void onCheckpoint(Path dir, long step) {
            out.println("checkpoint at step " + step + ": " + dir);
            out.flush();
        }

        static String eta(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
    }
}
