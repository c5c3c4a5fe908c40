package dev.ragtune.app.openai;

import dev.ragtune.rag.answer.Citation;

/** A passage an answer cites: {@code n} is the number of its {@code [n]} marker in the text. */
record CitationBody(int n, String chunkId, String source, int page) {
    static CitationBody of(Citation c) {
        return new CitationBody(c.n(), c.chunkId(), c.source(), c.page());
    }
}
