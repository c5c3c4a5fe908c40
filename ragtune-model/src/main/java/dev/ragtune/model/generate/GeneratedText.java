package dev.ragtune.model.generate;

/**
 * One generated answer.
 *
 * @param text     decoded text, special tokens skipped
 * @param tokenIds generated ids without the decoder start token and without trailing fill, EOS included if emitted
 * @param score    beam search: HF {@code sequences_scores} (sum of log-probs / length^length_penalty);
 *                 greedy and sampling: NaN
 */
public record GeneratedText(String text, long[] tokenIds, double score) {
}
