package dev.ragtune.model.t5;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Full encoder-decoder forward result ({@code T5ForConditionalGeneration} outputs).
 *
 * @param logits               [B, T, V]
 * @param encoder              the encoder output
 * @param decoderHiddenStates  HF order (embeddings, block outputs, last one normed); empty unless requested
 * @param decoderPositionBias  [1, H, T, T] unidirectional relative position bias before masking
 */
public record T5Output(NDArray logits, EncoderOutput encoder, List<NDArray> decoderHiddenStates,
                       NDArray decoderPositionBias) {
}
