package dev.ragtune.app.wiring;

import dev.ragtune.model.generate.GeneratedText;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import dev.ragtune.rag.answer.Generation;
import dev.ragtune.rag.answer.GenerationRequest;
import dev.ragtune.rag.answer.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.Objects;

/**
 * A T5 / FLAN-T5 model behind the rag module's {@link Generator} seam: the prompt is tokenized with the model's own
 * tokenizer (EOS appended) and decoded with the configured strategy.
 *
 * <p>Sharp edge: FLAN-T5 must run in fp32 (or bf16); its activations overflow fp16 and the output collapses to
 * padding, which is why ragtune loads weights as fp32 whatever their type on disk.
 */
public final class T5AnswerGenerator implements Generator {
    private final T5Model model;
    private final T5Tokenizer tokenizer;
    private final GenerationConfig config;
    private final int maxInputTokens;
    private final String id;
    private final LoraAdapter adapter;
    private final boolean owner;

    /** Takes ownership of model and tokenizer: {@link #close()} closes them. */
    public T5AnswerGenerator(String id, T5Model model, T5Tokenizer tokenizer, GenerationConfig config, int maxInputTokens) {
        this(id, model, null, tokenizer, config, maxInputTokens);
    }

    /** A model opened by {@link ModelLoader} (with its tokenizer, and adapter if any); the generator owns it. */
    public T5AnswerGenerator(LoadedModel loaded, GenerationConfig config, int maxInputTokens) {
        this(loaded.description(), loaded.model(), loaded.adapter(), loaded.tokenizer(), config, maxInputTokens);
    }

    /**
     * As above, with a LoRA adapter attached to {@code model} (or null); the generator owns it too and detaches it
     * on close.
     */
    public T5AnswerGenerator(String id, T5Model model, LoraAdapter adapter, T5Tokenizer tokenizer, GenerationConfig config,
                             int maxInputTokens) {
        this.adapter = adapter;
        this.id = Objects.requireNonNull(id, "id");
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.config = Objects.requireNonNull(config, "config");
        if (maxInputTokens < 16) throw new IllegalArgumentException("max input tokens must be >= 16, was " + maxInputTokens);
        this.maxInputTokens = maxInputTokens;
        this.owner = true;
    }

    private T5AnswerGenerator(T5AnswerGenerator shared, GenerationConfig config) {
        this.adapter = shared.adapter;
        this.id = shared.id;
        this.model = shared.model;
        this.tokenizer = shared.tokenizer;
        this.config = config;
        this.maxInputTokens = shared.maxInputTokens;
        this.owner = false;
    }

    /**
     * {@code g} decoding one request with a client's settings (OpenAI's {@code max_tokens}, {@code temperature},
     * {@code top_p}, {@code seed}) when it is a T5 model: a view sharing its model, which closing does not close.
     * {@code maxNewTokens} lowers the configured bound, never raises it; a temperature above 0 (or a top_p below 1,
     * OpenAI's default temperature being 1) samples with that seed; temperature 0 or none keeps the configured
     * decoding. Any other generator comes back unchanged.
     */
    public static Generator withDecoding(Generator g, Integer maxNewTokens, Double temperature, Double topP, Long seed) {
        if (!(g instanceof T5AnswerGenerator t5)) return g;
        GenerationConfig c = t5.config;
        if (maxNewTokens != null) c = c.withMaxNewTokens(Math.max(1, Math.min(maxNewTokens, c.maxNewTokens())));
        boolean sample = temperature != null ? temperature > 0 : topP != null && topP < 1;
        if (sample) c = c.withSampling(temperature != null ? temperature : 1.0, 0, topP != null ? topP : 1.0, seed);
        return new T5AnswerGenerator(t5, c);
    }

    /** How this generator decodes. */
    public GenerationConfig config() {
        return config;
    }

    @Override
    public String mode() {
        return "generative";
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int countTokens(String text) {
        return tokenizer.encode(text).length;
    }

    @Override
    public int maxInputTokens() {
        return maxInputTokens;
    }

    @Override
    public Generation generate(GenerationRequest request) {
        GeneratedText out = new Seq2SeqGenerator(model, tokenizer).generate(List.of(request.prompt()), config).get(0);
        return new Generation(out.text().strip(), List.of());
    }

    /** Streams the text token by token: each new id's text is the growth of the decoded prefix. */
    @Override
    public Generation generate(GenerationRequest request, Consumer<String> onText) {
        List<Long> ids = new ArrayList<>();
        StringBuilder told = new StringBuilder();
        GeneratedText out = new Seq2SeqGenerator(model, tokenizer).generateStreaming(request.prompt(), config, id -> {
            if (id == config.eosTokenId()) return;
            ids.add(id);
            tellGrowth(tokenizer.decode(ids.stream().mapToLong(Long::longValue).toArray()).strip(), told, onText);
        });
        String text = out.text().strip();
        tellGrowth(text, told, onText);
        return new Generation(text, List.of());
    }

    /** Tells the part of {@code text} beyond what was told, when what was told is its prefix (decoding can revise). */
    private static void tellGrowth(String text, StringBuilder told, Consumer<String> onText) {
        if (text.length() > told.length() && text.startsWith(told.toString())) {
            onText.accept(text.substring(told.length()));
            told.setLength(0);
            told.append(text);
        }
    }

    @Override
    public void close() {
        if (!owner) return; // a view of withDecoding: the model belongs to the generator it was made from
        try (T5Model m = model; T5Tokenizer t = tokenizer; LoraAdapter a = adapter) {
            // closes the adapter, then the tokenizer, then the model
        }
    }
}
