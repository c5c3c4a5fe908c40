package dev.ragtune.model.generate;

import java.util.List;

/**
 * Ids-level output shaped like HF {@code generate(return_dict_in_generate=True)}.
 *
 * @param sequences      [B][1 + generated]: decoder start first, rows trimmed to the longest one; finished rows
 *                       filled with pad (greedy/sampling) or with {@code pad or eos} (beam search, HF quirk: T5's
 *                       pad 0 is falsy so beams fill with EOS)
 * @param generated      per row, how many tokens it generated (EOS included)
 * @param sequenceScores beam search {@code sequences_scores} per row; null otherwise
 * @param stepScores     per step the processed logits [B][V] when requested (greedy/sampling); null otherwise
 */
public record GenerationResult(long[][] sequences, int[] generated, float[] sequenceScores,
                               List<float[][]> stepScores) {

    /** Generated ids of {@code row}: without the start token and without fill. */
    public long[] generatedIds(int row) {
        return java.util.Arrays.copyOfRange(sequences[row], 1, 1 + generated[row]);
    }
}
