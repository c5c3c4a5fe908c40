package dev.ragtune.rag.index;

/** One result of a vector search: the id given at {@link VectorIndex#add} time and its inner-product score. */
public record Neighbor(int id, float score) {}
