package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Encoder result.
 *
 * @param lastHiddenState [B, S, d_model] after the final RMS norm
 * @param attentionMask   the [B, S] source mask it was computed with (1 = token, 0 = padding)
 * @param hiddenStates    HF {@code output_hidden_states} order (embeddings, block outputs, last one normed);
 *                        empty unless requested
 * @param positionBias    [1, H, S, S] bidirectional relative position bias before masking
 */
public record EncoderOutput(NDArray lastHiddenState, NDArray attentionMask, List<NDArray> hiddenStates,
                            NDArray positionBias) {
}
