package dev.ragtune.app.web;

import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.util.function.Consumer;

/** A generator whose every answer is streamed to one listener (the ask pipeline of one streamed request). */
record Streamed(Generator delegate, Consumer<String> onText) implements Generator {
    @Override
    public Generation generate(GenerationRequest request) {
        return delegate.generate(request, onText);
    }

    @Override
    public String mode() {
        return delegate.mode();
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public int countTokens(String text) {
        return delegate.countTokens(text);
    }

    @Override
    public int maxInputTokens() {
        return delegate.maxInputTokens();
    }

    @Override
    public void close() {
        // the server owns the delegate
    }
}
