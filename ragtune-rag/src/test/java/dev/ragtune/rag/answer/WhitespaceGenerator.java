package dev.ragtune.rag.answer;

import java.util.function.Function;

/** A generator for tests: counts whitespace-separated tokens, and answers with a function of the prompt. */
final class WhitespaceGenerator implements Generator {
    private final int maxInput;
    private final Function<GenerationRequest, String> answer;
    GenerationRequest last;

    WhitespaceGenerator(int maxInput, Function<GenerationRequest, String> answer) {
        this.maxInput = maxInput;
        this.answer = answer;
    }

    @Override
    public String mode() {
        return "generative";
    }

    @Override
    public String id() {
        return "test/whitespace";
    }

    @Override
    public int countTokens(String text) {
        String t = text.strip();
        return t.isEmpty() ? 0 : t.split("\\s+").length;
    }

    @Override
    public int maxInputTokens() {
        return maxInput;
    }

    @Override
    public Generation generate(GenerationRequest request) {
        last = request;
        return new Generation(answer.apply(request), java.util.List.of());
    }
}
