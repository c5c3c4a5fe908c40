package dev.ragtune.app.openai;

import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A generator that sees the earlier turns of a chat before the prompt the ask pipeline builds. The turns take at
 * most half of the model's input budget: system messages first, then the newest turns that fit whole (older ones
 * are left out); the pipeline budgets its prompt in what remains, so the whole input still fits the model.
 */
final class ChatHistory implements Generator {
    /** One earlier turn, e.g. {@code user}: "What is LoRA?". */
    record Turn(String role, String text) {
        String render() {
            return role + ": " + text + "\n";
        }
    }

    private final Generator inner;
    private final String history;
    private final int historyTokens;

    private ChatHistory(Generator inner, String history) {
        this.inner = inner;
        this.history = history;
        this.historyTokens = history.isEmpty() ? 0 : inner.countTokens(history);
    }

    /** {@code inner} with as many of {@code turns} (oldest first) as fit half of its input budget. */
    static ChatHistory of(Generator inner, List<Turn> turns) {
        Objects.requireNonNull(inner, "inner");
        int budget = inner.maxInputTokens() / 2;
        StringBuilder system = new StringBuilder();
        int used = 0;
        for (Turn t : turns) {
            if (!isSystem(t)) continue;
            int n = inner.countTokens(t.render());
            if (used + n > budget) break;
            system.append(t.render());
            used += n;
        }
        Deque<String> recent = new ArrayDeque<>();
        for (int i = turns.size() - 1; i >= 0; i--) {
            Turn t = turns.get(i);
            if (isSystem(t)) continue;
            int n = inner.countTokens(t.render());
            if (used + n > budget) break;
            recent.addFirst(t.render());
            used += n;
        }
        String text = system + String.join("", recent);
        return new ChatHistory(inner, text.isEmpty() ? "" : text + "\n");
    }

    private static boolean isSystem(Turn t) {
        return t.role().equals("system") || t.role().equals("developer");
    }

    /** The turns as the model sees them before the prompt (empty when there were none or none fit). */
    String history() {
        return history;
    }

    int historyTokens() {
        return historyTokens;
    }

    @Override
    public String mode() {
        return inner.mode();
    }

    @Override
    public String id() {
        return inner.id();
    }

    @Override
    public int countTokens(String text) {
        return inner.countTokens(text);
    }

    @Override
    public int maxInputTokens() {
        return inner.maxInputTokens() - historyTokens;
    }

    @Override
    public Generation generate(GenerationRequest request) {
        return inner.generate(new GenerationRequest(request.question(), history + request.prompt(), request.contexts()));
    }

    @Override
    public Generation generate(GenerationRequest request, Consumer<String> onText) {
        return inner.generate(new GenerationRequest(request.question(), history + request.prompt(), request.contexts()),
                onText);
    }

    /** The wrapped generator belongs to the server. */
    @Override
    public void close() {}
}
