package dev.ragtune.rag.answer;

/** A chunk an answer used, as {@code [n] source, page, chunk id}; n is the context's number in the prompt. */
public record Citation(int n, String chunkId, String source, int page) {
    static Citation of(Context c) {
        return new Citation(c.n(), c.hit().chunk().id(), c.hit().chunk().source(), c.hit().chunk().page());
    }
}
