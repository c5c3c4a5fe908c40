package dev.ragtune.app.cli;

import dev.ragtune.app.wiring.T5AnswerGenerator;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.hub.ModelLocator;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
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

    /** True when a generative model was chosen. */
    public boolean given() {
        if (adapter != null && model == null) throw new IllegalArgumentException("--adapter needs --model (its base model)");
        return model != null;
    }

    /** Loads the model; the caller closes the generator. */
    public Generator open() {
        if (adapter != null && model == null) throw new IllegalArgumentException("--adapter needs --model (its base model)");
        Path dir = ModelLocator.fromEnvironment().resolve(model);
        if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new IllegalArgumentException("model folder " + dir + " has no tokenizer.json; copy the tokenizer of its "
                    + "base model there (e.g. from google/flan-t5-base)");
        }
        Path genConfig = dir.resolve("generation_config.json");
        GenerationConfig base = Files.isRegularFile(genConfig) ? GenerationConfig.read(genConfig) : GenerationConfig.defaults();
        GenerationConfig config = base.greedy().withMaxNewTokens(maxNewTokens);
        if (numBeams > 1) config = config.withBeams(numBeams, 1.0, false);
        T5Model t5 = T5Model.load(dir, T5Model.device(device));
        LoraAdapter lora = null;
        try {
            lora = adapter == null ? null : LoraAdapter.load(t5, adapter);
            String id = dir + (adapter == null ? "" : " + LoRA " + adapter);
            return new T5AnswerGenerator(id, t5, lora, T5Tokenizer.load(dir), config, maxInputTokens);
        } catch (RuntimeException e) {
            if (lora != null) lora.close();
            t5.close();
            throw e;
        }
    }
}
