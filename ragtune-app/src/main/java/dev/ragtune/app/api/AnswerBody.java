package dev.ragtune.app.api;

import dev.ragtune.rag.answer.Answer;
import dev.ragtune.rag.answer.Citation;
import dev.ragtune.rag.answer.Context;
import java.util.List;

/**
 * An answer as {@code POST /api/ask} and {@code ragtune ask --json} write it.
 *
 * @param mode        {@code generative}, {@code extractive} or {@code no-rag}
 * @param attribution how the citations were found: {@code cited}, {@code extractive}, {@code overlap} or {@code none}
 * @param evidence    the sentence an extractive answer was chosen by, its score and the answering span; null for a
 *                    generative answer
 */
public record AnswerBody(String question, String answer, String mode, String generator, String attribution,
                         List<CitedSource> citations, List<PromptContext> contexts, String prompt, int promptTokens,
                         boolean compressed, AnswerTimings timingsMs, List<String> warnings, AnswerEvidence evidence) {
    /** A passage the answer cites: {@code [n] source, page, chunk id}. */
    public record CitedSource(int n, String chunkId, String source, int page) {}

    /** A passage in the prompt, possibly shortened to its most relevant sentences. */
    public record PromptContext(int n, String chunkId, String source, int page, float score, String text,
                                int keptSentences, int droppedSentences) {}

    /** Why an extractive answer was chosen: context {@code n}'s sentence, its score, the span that answers. */
    public record AnswerEvidence(int n, String sentence, double score, String span) {}

    /** Milliseconds per step. */
    public record AnswerTimings(double embed, double search, double rerank, double prompt, double generate,
                                double total) {}

    public static AnswerBody of(Answer a) {
        List<CitedSource> cites = a.citations().stream()
                .map((Citation c) -> new CitedSource(c.n(), c.chunkId(), c.source(), c.page())).toList();
        List<PromptContext> ctx = a.contexts().stream()
                .map((Context c) -> new PromptContext(c.n(), c.hit().chunk().id(), c.hit().chunk().source(),
                        c.hit().chunk().page(), c.score(), c.text(), c.keptSentences(), c.droppedSentences())).toList();
        Answer.Timings t = a.timings();
        return new AnswerBody(a.question(), a.text(), a.mode(), a.generator(), a.attribution(), cites, ctx,
                a.prompt().text(), a.prompt().tokens(), a.prompt().compressed(),
                new AnswerTimings(Wire.millis(t.embed()), Wire.millis(t.search()), Wire.millis(t.rerank()),
                        Wire.millis(t.prompt()), Wire.millis(t.generate()), Wire.millis(t.total())),
                a.warnings(), a.evidence() == null ? null : new AnswerEvidence(a.evidence().n(),
                        a.evidence().sentence(), Wire.millis(a.evidence().score()), a.evidence().span()));
    }
}
