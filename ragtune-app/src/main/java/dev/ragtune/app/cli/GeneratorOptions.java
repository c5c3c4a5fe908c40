package dev.ragtune.app.cli;

import dev.ragtune.app.wiring.LoadedModel;
import dev.ragtune.app.wiring.ModelLoader;
import dev.ragtune.app.wiring.ModelRequest;
import dev.ragtune.app.wiring.T5AnswerGenerator;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.rag.answer.Generator;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options that choose and configure a generative T5 model (for ask and eval). */
public final class GeneratorOptions {
    @Option(names = "--model", paramLabel = "DIR|ORG/NAME",
            description = "T5 / FLAN-T5 model: a Hugging Face folder, or ORG/NAME[@REV] pulled with 'ragtune model pull'. "
                    + "Without it, answers are extractive.")
    String model;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "A LoRA adapter in PEFT's format (adapter_config.json + adapter_model.safetensors), from "
                    + "'ragtune train' or Python PEFT, applied to --model.")
    Path adapter;

    @Option(names = "--max-new-tokens", defaultValue = "64", description = "Most tokens the model generates.")
    int maxNewTokens;

    @Option(names = "--num-beams", defaultValue = "1", description = "Beam search width (1 = greedy).")
    int numBeams;

    @Option(names = "--max-input-tokens", defaultValue = "512",
            description = "Prompt budget in model tokens; longer contexts are compressed to their most relevant sentences.")
    int maxInputTokens;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu or gpu (gpu only where DJL finds one).")
    String device;

    @Option(names = "--weights", defaultValue = "fp32", paramLabel = "fp32|int8",
            description = "fp32 (exact Hugging Face outputs) or int8: per-row int8 decoder weights, faster on a CPU, "
                    + "outputs may differ at near-ties (see docs/MODELS.md).")
    String weights;

    /** True when a generative model was chosen. */
    public boolean given() {
        if (adapter != null && model == null) throw new IllegalArgumentException("--adapter needs --model (its base model)");
        if (model == null && ModelRequest.Weights.parse(weights) != ModelRequest.Weights.FP32) {
            throw new IllegalArgumentException("--weights " + weights + " needs --model: without a model the answer is "
                    + "extractive and has no weights to quantize");
        }
        return model != null;
    }

    /** Loads the model through the shared {@link ModelLoader}; the caller closes the generator. */
    public Generator open() {
        LoadedModel loaded = ModelLoader.fromEnvironment().open(new ModelRequest(model, adapter, device,
                ModelRequest.Tokenizer.REQUIRED, ModelRequest.Weights.parse(weights)));
        try {
            Path genConfig = loaded.dir().resolve("generation_config.json");
            GenerationConfig base = Files.isRegularFile(genConfig) ? GenerationConfig.read(genConfig)
                    : GenerationConfig.defaults();
            GenerationConfig config = base.greedy().withMaxNewTokens(maxNewTokens);
            if (numBeams > 1) config = config.withBeams(numBeams, 1.0, false);
            return new T5AnswerGenerator(loaded, config, maxInputTokens);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }
}
