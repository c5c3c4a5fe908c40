package dev.ragtune.app.cli;

import dev.ragtune.rag.answer.Generator;
import java.nio.file.Path;

/**
 * Opens the generative model named by {@code --model} (and {@code --adapter}) for commands that can use one. This is
 * the place where the CLI is wired to the T5 generator of ragtune-model: pass a loader to the command's constructor.
 * {@link #NONE} is what a command gets when nothing is wired.
 */
@FunctionalInterface
public interface GeneratorLoader {
    /**
     * @param model   model folder (or hub id) as given by the user
     * @param adapter LoRA adapter folder, or null
     * @return an open generator the caller closes
     */
    Generator load(String model, Path adapter);

    /** No generative model in this build: asking for one is a clear error. */
    GeneratorLoader NONE = (model, adapter) -> {
        throw new IllegalArgumentException("--model " + model + ": this build has no generative model wired in; "
                + "run without --model (extractive answers) or use a build with the T5 generator");
    };
}
