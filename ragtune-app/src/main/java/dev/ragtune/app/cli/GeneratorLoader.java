package dev.ragtune.app.cli;

import dev.ragtune.rag.answer.Generator;

/**
 * Opens the generative model the {@code --model} options name. {@code GeneratorOptions::open} loads the T5 model;
 * tests pass a scripted generator instead.
 */
@FunctionalInterface
public interface GeneratorLoader {
    /** An open generator the caller closes. */
    Generator load(GeneratorOptions options);
}
