package dev.ragtune.rag.answer;

import dev.ragtune.rag.corpus.HitFilter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.corpus.SearchRequest;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.index.SearchParams;
import dev.ragtune.rag.rerank.Reranker;
import dev.ragtune.rag.rerank.Scored;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.retrieve.HybridFusion;
import dev.ragtune.rag.retrieve.RetrievalMode;
import dev.ragtune.rag.retrieve.SearchResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Question → retrieve candidates → optional cross-encoder re-rank → top k → prompt within budget → generate →
 * answer with citations and the time of every step.
 */
public final class AskPipeline {
    /** Longest question used for retrieval, in words; longer ones are cut (BM25 and the embedder gain nothing). */
    static final int MAX_QUERY_WORDS = 256;

    /**
     * @param k          contexts in the prompt
     * @param candidates retrieved before re-ranking (and the hybrid fusion depth)
     * @param noRag      ask the generator without contexts
     * @param fusion     hybrid fusion (null: the default)
     * @param filter     which chunks may be retrieved (null: all)
     */
    public record Options(int k, int candidates, RetrievalMode mode, SearchParams params, boolean noRag,
                          PromptTemplate template, HybridFusion fusion, HitFilter filter) {
        public Options {
            if (k < 1) throw new IllegalArgumentException("k must be >= 1, was " + k);
            if (candidates < k) candidates = k;
            Objects.requireNonNull(mode, "mode");
            params = params == null ? SearchParams.DEFAULTS : params;
            template = template == null ? PromptTemplate.DEFAULT : template;
            fusion = fusion == null ? HybridFusion.DEFAULT : fusion;
            filter = filter == null ? HitFilter.NONE : filter;
        }

        public Options(int k, int candidates, RetrievalMode mode, SearchParams params, boolean noRag,
                       PromptTemplate template) {
            this(k, candidates, mode, params, noRag, template, null, null);
        }

        /** Options with this fusion and no filter. */
        public Options(int k, int candidates, RetrievalMode mode, SearchParams params, boolean noRag,
                       PromptTemplate template, HybridFusion fusion) {
            this(k, candidates, mode, params, noRag, template, fusion, null);
        }

        public static Options defaults() {
            return new Options(2, 20, RetrievalMode.HYBRID, SearchParams.DEFAULTS, false, PromptTemplate.DEFAULT);
        }
    }

    private final Retriever retriever;
    private final Embedder embedder;
    private final Reranker reranker;
    private final Generator generator;

    /**
     * @param retriever may be null only for no-RAG questions
     * @param reranker  null for none
     */
    public AskPipeline(Retriever retriever, Embedder embedder, Reranker reranker, Generator generator) {
        this.retriever = retriever;
        this.embedder = Objects.requireNonNull(embedder, "embedder");
        this.reranker = reranker;
        this.generator = Objects.requireNonNull(generator, "generator");
    }

    public Answer ask(String question, Options options) {
        return ask(question, options, null);
    }

    /**
     * Answers, telling {@code onText} the generated text piece by piece while it is written (see
     * {@link Generator#generate(GenerationRequest, Consumer)}; {@link AnswerTextStream} turns the pieces into the
     * answer's text as it becomes sure). An exception thrown by {@code onText} stops the generation and leaves here.
     *
     * @param onText null to generate without streaming
     */
    public Answer ask(String question, Options options, Consumer<String> onText) {
        return ask(question, options, onText, null);
    }

    /**
     * Retrieves for many questions at once ({@link Retriever#searchAll}: one embedding batch, one blocked index
     * product), what {@link #ask(String, Options, Consumer, SearchResult)} then answers from; an evaluation does this
     * for a block of questions before generating.
     */
    public List<SearchResult> retrieveAll(List<String> questions, Options options) {
        if (retriever == null) throw new IllegalArgumentException("a collection is needed to answer with retrieval");
        List<SearchRequest> requests = new ArrayList<>(questions.size());
        for (String q : questions) {
            if (q == null || q.isBlank()) throw new IllegalArgumentException("a question is empty");
            requests.add(request(query(q, words(q)), options));
        }
        return retriever.searchAll(requests, embedder);
    }

    /**
     * Answers from passages already retrieved for this question by {@link #retrieveAll} (null: retrieves them now).
     */
    public Answer ask(String question, Options options, Consumer<String> onText, SearchResult retrieved) {
        if (question == null || question.isBlank()) {
            throw new IllegalArgumentException("the question is empty: ask something, e.g. \"Como reduzir overfitting?\"");
        }
        long t0 = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        SentenceScorer scorer = reranker != null ? SentenceScorer.byReranker(reranker) : SentenceScorer.byEmbedding(embedder);
        PromptBuilder builder = new PromptBuilder(options.template(), generator, scorer);
        if (options.noRag()) {
            long p0 = System.nanoTime();
            Prompt prompt = builder.noRag(question.strip());
            if (prompt.questionTruncated()) warnings.add("the question was longer than the model's input and was cut");
            long g0 = System.nanoTime();
            Generation g = generate(new GenerationRequest(question, prompt.text(), List.of()), onText);
            long g1 = System.nanoTime();
            return new Answer(question, Citations.strip(g.text()), "no-rag", generator.id(), List.of(), "none",
                    List.of(), prompt, new Answer.Timings(0, 0, 0, ms(g0 - p0), ms(g1 - g0), ms(g1 - t0)), warnings);
        }
        if (retriever == null) throw new IllegalArgumentException("a collection is needed to answer with retrieval");
        String[] words = words(question);
        String query = query(question, words);
        if (words.length > MAX_QUERY_WORDS) {
            warnings.add("the question has " + words.length + " words; retrieval used the first " + MAX_QUERY_WORDS);
        }
        if (retrieved != null && !retrieved.query().equals(query)) {
            throw new IllegalArgumentException("the passages given were retrieved for '" + retrieved.query()
                    + "', not for this question");
        }
        SearchResult found = retrieved != null ? retrieved : retriever.search(request(query, options), embedder);
        List<Hit> hits = found.hits();
        float[] scores = new float[Math.min(options.k(), hits.size())];
        long r0 = System.nanoTime();
        if (reranker != null && !hits.isEmpty()) {
            List<Scored<Hit>> ranked = reranker.rerank(query, hits, h -> h.chunk().text(), options.k());
            hits = new ArrayList<>(ranked.size());
            for (int i = 0; i < ranked.size(); i++) {
                hits.add(ranked.get(i).item());
                scores[i] = ranked.get(i).score();
            }
        } else {
            hits = hits.subList(0, scores.length);
            for (int i = 0; i < scores.length; i++) scores[i] = hits.get(i).score();
        }
        long r1 = System.nanoTime();
        double rerankMs = reranker != null ? ms(r1 - r0) : 0;
        Prompt prompt = builder.build(question.strip(), hits, scores);
        if (prompt.questionTruncated()) warnings.add("the question was longer than half the model's input and was cut");
        if (prompt.compressed()) {
            int dropped = 0;
            for (Context c : prompt.contexts()) dropped += c.droppedSentences();
            warnings.add("the contexts did not fit the model's input (" + generator.maxInputTokens()
                    + " tokens): kept the sentences most relevant to the question, dropped " + dropped
                    + (hits.size() > prompt.contexts().size() ? " and " + (hits.size() - prompt.contexts().size())
                    + " whole context(s)" : ""));
        }
        long g0 = System.nanoTime();
        Generation g = hits.isEmpty() ? new Generation("", List.of())
                : generate(new GenerationRequest(question, prompt.text(), prompt.contexts()), onText);
        long g1 = System.nanoTime();
        if (hits.isEmpty()) warnings.add("nothing was retrieved: the collection has no passage for this question");

        List<Integer> used;
        String attribution;
        if (!g.supported().isEmpty()) {
            used = g.supported();
            attribution = "extractive";
        } else if (!(used = Citations.parse(g.text(), prompt.contexts().size())).isEmpty()) {
            attribution = "cited";
        } else {
            used = Citations.byOverlap(g.text(), prompt.contexts());
            attribution = used.isEmpty() ? "none" : "overlap";
        }
        List<Citation> citations = new ArrayList<>();
        for (int n : used) citations.add(Citation.of(prompt.contexts().get(n - 1)));
        Answer.Timings t = new Answer.Timings(found.embedMillis(), found.searchMillis(), rerankMs, ms(g0 - r1),
                ms(g1 - g0), ms(g1 - t0));
        return new Answer(question, Citations.strip(g.text()), generator.mode(), generator.id(), citations, attribution,
                prompt.contexts(), prompt, t, warnings, g.evidence());
    }

    private static String[] words(String question) {
        return question.strip().split("\\s+");
    }

    /**
     * The retrieval query of a question split into {@code words}: the question stripped, or its first
     * {@value #MAX_QUERY_WORDS} words when it has more.
     */
    private static String query(String question, String[] words) {
        return words.length > MAX_QUERY_WORDS ? String.join(" ", Arrays.copyOf(words, MAX_QUERY_WORDS))
                : question.strip();
    }

    private SearchRequest request(String query, Options options) {
        int depth = reranker != null ? options.candidates() : options.k();
        return new SearchRequest(query, options.mode(), depth, options.candidates(), options.params(),
                options.fusion(), options.filter());
    }

    private Generation generate(GenerationRequest request, Consumer<String> onText) {
        return onText == null ? generator.generate(request) : generator.generate(request, onText);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
