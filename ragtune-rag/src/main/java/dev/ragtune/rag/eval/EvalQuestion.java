package dev.ragtune.rag.eval;

import java.util.List;
import java.util.Objects;

/**
 * A question to evaluate.
 *
 * @param answers      reference answers (at least one)
 * @param goldChunkIds ids of chunks that answer it, when known (else empty)
 * @param goldDocIds   ids of documents that answer it, when known (else empty); a retrieved chunk counts as relevant
 *                     when its id is a gold chunk id or its document id a gold document id
 */
public record EvalQuestion(String id, String question, List<String> answers, List<String> goldChunkIds,
                           List<String> goldDocIds) {
    public EvalQuestion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(question, "question");
        answers = List.copyOf(answers);
        goldChunkIds = goldChunkIds == null ? List.of() : List.copyOf(goldChunkIds);
        goldDocIds = goldDocIds == null ? List.of() : List.copyOf(goldDocIds);
        if (id.isBlank()) throw new IllegalArgumentException("question id is blank");
        if (question.isBlank()) throw new IllegalArgumentException("question " + id + " has no text");
        if (answers.isEmpty()) throw new IllegalArgumentException("question " + id + " has no answers");
    }

    /** True when the question says which chunks or documents answer it. */
    public boolean hasGold() {
        return !goldChunkIds.isEmpty() || !goldDocIds.isEmpty();
    }

    /** True when a chunk with this id, from this document, is one that answers the question. */
    public boolean isGold(String chunkId, String docId) {
        return goldChunkIds.contains(chunkId) || goldDocIds.contains(docId);
    }
}
