package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.app.wiring.LoadedModel;
import dev.ragtune.app.wiring.ModelLoader;
import dev.ragtune.app.wiring.ModelRequest;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ragtune generate}: one prompt through a Hugging Face T5 / FLAN-T5 folder (greedy, beam or sampling).
 * Exit codes: 0 ok, 2 bad input (missing model, bad ids, unsupported checkpoint).
 */
@Command(name = "generate", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Generate text from a prompt with a T5 / FLAN-T5 checkpoint folder (config.json, "
                + "model.safetensors, tokenizer.json).")
public final class GenerateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|ORG/NAME",
            description = "T5 / FLAN-T5 / mT5 / mT0 model: a Hugging Face folder, or ORG/NAME[@REV] pulled with "
                    + "'ragtune model pull'")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A LoRA adapter in PEFT's format (adapter_config.json + adapter_model.safetensors), from "
                    + "'ragtune train' or Python PEFT, applied to --model")
    Path adapter;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Maximum tokens to generate")
    int maxNewTokens;

    @Option(names = "--min-new-tokens", defaultValue = "0", description = "EOS is forbidden before this many tokens")
    int minNewTokens;

    @Option(names = "--num-beams", defaultValue = "1", description = "Beam search width (1 = greedy/sampling)")
    int numBeams;

    @Option(names = "--length-penalty", defaultValue = "1.0", description = "Beam score = logprob sum / length^this")
    double lengthPenalty;

    @Option(names = "--early-stopping", defaultValue = "false", description = "Stop beams once num-beams hypotheses finished")
    boolean earlyStopping;

    @Option(names = "--do-sample", defaultValue = "false", description = "Sample instead of greedy")
    boolean doSample;

    @Option(names = "--temperature", defaultValue = "1.0", description = "Sampling temperature")
    double temperature;

    @Option(names = "--top-k", defaultValue = "50", description = "Sampling: keep the k most likely tokens (0 = off)")
    int topK;

    @Option(names = "--top-p", defaultValue = "1.0", description = "Sampling: nucleus probability mass (1 = off)")
    double topP;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (same seed, same ids)")
    long seed;

    @Option(names = "--no-repeat-ngram-size", defaultValue = "0", description = "Forbid repeating n-grams of this size (0 = off)")
    int noRepeatNgramSize;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu only if DJL reports one)")
    String device;

    @Option(names = "--weights", defaultValue = "fp32", paramLabel = "fp32|int8",
            description = "fp32 (exact Hugging Face outputs) or int8: per-row int8 decoder weights, faster on a CPU, "
                    + "outputs may differ at near-ties (see docs/MODELS.md)")
    String weights;

    @Option(names = "--json", defaultValue = "false", description = "Print {text, token_ids, timings_ms} as JSON")
    boolean json;

    @Option(names = "--input-ids", split = ",", description = "Feed these token ids instead of a text prompt (e.g. 1,2,3)")
    long[] inputIds;

    @Parameters(arity = "0..1", paramLabel = "PROMPT", description = "The prompt text")
    String prompt;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if ((prompt == null) == (inputIds == null)) {
            err.println("Give exactly one of a PROMPT argument or --input-ids.");
            return 2;
        }
        long t0 = System.nanoTime();
        ModelRequest.Tokenizer tok = prompt != null ? ModelRequest.Tokenizer.REQUIRED : ModelRequest.Tokenizer.IF_PRESENT;
        try (LoadedModel loaded = ModelLoader.fromEnvironment().open(new ModelRequest(model, adapter, device, tok,
                ModelRequest.Weights.parse(weights)))) {
            GenerationConfig base = GenerationConfig.read(loaded.dir().resolve("generation_config.json"));
            GenerationConfig cfg = new GenerationConfig(maxNewTokens, minNewTokens, numBeams, lengthPenalty,
                    earlyStopping, doSample, temperature, topK, topP, seed, noRepeatNgramSize,
                    base.decoderStartTokenId(), base.eosTokenId(), base.padTokenId());
            T5Tokenizer tokenizer = loaded.tokenizer();
            long t1 = System.nanoTime();
            long[] ids = inputIds != null ? inputIds : tokenizer.encode(prompt);
            long t2 = System.nanoTime();
            GenerationResult result = new Seq2SeqGenerator(loaded.model(), tokenizer).generateIds(List.of(ids), cfg);
            long t3 = System.nanoTime();
            long[] generated = result.generatedIds(0);
            String text = tokenizer != null ? tokenizer.decode(generated) : null;
            if (json) {
                ObjectMapper mapper = new ObjectMapper();
                ObjectNode root = mapper.createObjectNode();
                root.put("text", text);
                root.putPOJO("token_ids", generated);
                if (result.sequenceScores() != null) {
                    root.put("score", result.sequenceScores()[0]);
                }
                root.put("model", loaded.description());
                ObjectNode timings = root.putObject("timings_ms");
                timings.put("load", ms(t0, t1));
                timings.put("encode", ms(t1, t2));
                timings.put("generate", ms(t2, t3));
                timings.put("total", ms(t0, t3));
                out.println(mapper.writeValueAsString(root));
            } else {
                out.println(text != null ? text : Arrays.toString(generated));
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
    }

    private static double ms(long from, long to) {
        return Math.round((to - from) / 1e4) / 100.0;
    }
}
