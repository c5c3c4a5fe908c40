package dev.ragtune.app.cli;

import dev.ragtune.app.wiring.LoadedModel;
import dev.ragtune.app.wiring.ModelLoader;
import dev.ragtune.app.wiring.ModelRequest;
import dev.ragtune.model.lora.AdapterException;
import dev.ragtune.model.lora.LoraMerge;
import dev.ragtune.model.t5.UnsupportedModelException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ragtune merge}: folds a (PEFT or ragtune) LoRA adapter into its base model and writes a plain Hugging Face
 * model folder. Exit codes: 0 ok, 2 bad input (nothing written).
 */
@Command(name = "merge", mixinStandardHelpOptions = true, showDefaultValues = true,
        description = "Merge a LoRA adapter into its base model (W + scale * B A, scale = lora_alpha/r, or lora_alpha/sqrt(r) with rsLoRA) and write a Hugging Face folder.")
public final class MergeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|ORG/NAME",
            description = "Base model: a Hugging Face folder, or ORG/NAME[@REV] pulled with 'ragtune model pull'")
    String model;

    @Option(names = "--adapter", required = true, description = "Adapter folder (adapter_config.json, "
            + "adapter_model.safetensors)")
    Path adapter;

    @Option(names = "--output", required = true, description = "New folder for the merged model (must not exist or be "
            + "empty)")
    Path output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            LoraMerge.requireEmpty(output);
            try (LoadedModel loaded = ModelLoader.fromEnvironment().open(new ModelRequest(model, adapter, "cpu",
                    ModelRequest.Tokenizer.NONE))) {
                LoraMerge.merge(loaded.adapter(), output);
            }
            out.println("merged model written to " + output.toAbsolutePath());
            out.flush();
            return 0;
        } catch (AdapterException | UnsupportedModelException | IllegalArgumentException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
    }
}
