package dev.ragtune.rag.rerank;

/**
 * A candidate with its re-ranker score.
 *
 * @param item         the candidate as given
 * @param score        the re-ranker's score, higher = more relevant
 * @param originalRank the candidate's 0-based position in the input list (its retrieval rank)
 */
public record Scored<T>(T item, float score, int originalRank) {}
