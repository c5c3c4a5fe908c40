package dev.ragtune.rag.answer;

import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.rerank.Reranker;
import java.util.ArrayList;
import java.util.List;

/** Scores sentences by relevance to a question: what prompt compression keeps and what an extractive answer picks. */
@FunctionalInterface
public interface SentenceScorer {
    /** One score per sentence, higher = more relevant. */
    float[] score(String question, List<String> sentences);

    /** Cosine of each sentence's embedding with the question's (vectors are L2-normalized). */
    static SentenceScorer byEmbedding(Embedder embedder) {
        return (question, sentences) -> {
            if (sentences.isEmpty()) return new float[0];
            List<String> texts = new ArrayList<>(sentences.size() + 1);
            texts.add(question);
            texts.addAll(sentences);
            float[][] v = embedder.embed(texts);
            float[] out = new float[sentences.size()];
            for (int i = 0; i < out.length; i++) {
                double dot = 0;
                for (int j = 0; j < v[0].length; j++) dot += v[0][j] * v[i + 1][j];
                out[i] = (float) dot;
            }
            return out;
        };
    }

    /** The cross-encoder's score of each (question, sentence) pair. */
    static SentenceScorer byReranker(Reranker reranker) {
        return reranker::score;
    }
}
