package dev.ragtune.rag.document;

/** Counts the tokens a text takes in some tokenizer (the embedder's own, so chunks fit its window). */
@FunctionalInterface
public interface TokenCounter {
    /** Number of tokens of {@code text}, without special tokens such as [CLS]/[SEP]. */
    int count(String text);
}
