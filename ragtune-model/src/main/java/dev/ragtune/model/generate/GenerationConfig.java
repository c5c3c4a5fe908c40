package dev.ragtune.model.generate;

import dev.ragtune.model.io.JsonFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generation settings with Hugging Face names and defaults ({@code GenerationConfig}): {@code max_length} 20
 * (→ 19 new tokens for encoder-decoder models), {@code num_beams} 1, {@code length_penalty} 1.0,
 * {@code early_stopping} false, {@code do_sample} false, {@code temperature} 1.0, {@code top_k} 50,
 * {@code top_p} 1.0, {@code no_repeat_ngram_size} 0, {@code min_new_tokens} 0.
 *
 * @param seed sampling seed; null draws a fresh one (non-reproducible). Sampling is reproducible for a seed
 *             within ragtune, but does not reproduce PyTorch's random stream.
 */
public record GenerationConfig(int maxNewTokens, int minNewTokens, int numBeams, double lengthPenalty,
                               boolean earlyStopping, boolean doSample, double temperature, int topK, double topP,
                               Long seed, int noRepeatNgramSize, int decoderStartTokenId, int eosTokenId,
                               int padTokenId) {

    public GenerationConfig {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max_new_tokens must be >= 1, got " + maxNewTokens);
        }
        if (minNewTokens < 0 || minNewTokens > maxNewTokens) {
            throw new IllegalArgumentException("min_new_tokens must be in [0, max_new_tokens=" + maxNewTokens
                    + "], got " + minNewTokens);
        }
        if (numBeams < 1) {
            throw new IllegalArgumentException("num_beams must be >= 1, got " + numBeams);
        }
        if (doSample && numBeams > 1) {
            throw new IllegalArgumentException("do_sample with num_beams > 1 (beam sampling) is not supported; "
                    + "use num_beams 1 for sampling or do_sample false for beam search");
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top_k must be >= 0 (0 disables it), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top_p must be in (0, 1], got " + topP);
        }
        if (noRepeatNgramSize < 0) {
            throw new IllegalArgumentException("no_repeat_ngram_size must be >= 0, got " + noRepeatNgramSize);
        }
    }

    /** HF defaults for T5 special ids (decoder_start 0, eos 1, pad 0). */
    public static GenerationConfig defaults() {
        return new GenerationConfig(19, 0, 1, 1.0, false, false, 1.0, 50, 1.0, null, 0, 0, 1, 0);
    }

    /**
     * Reads {@code generation_config.json} (missing file: {@link #defaults()}). {@code max_new_tokens} wins over
     * {@code max_length}; {@code max_length} counts the decoder start token as HF does.
     */
    public static GenerationConfig read(Path file) {
        GenerationConfig d = defaults();
        if (!Files.isRegularFile(file)) {
            return d;
        }
        JsonNode c;
        try {
            c = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot parse " + file + ": " + JsonFiles.reason(e), e);
        }
        int maxNew = c.hasNonNull("max_new_tokens") ? c.get("max_new_tokens").asInt()
                : c.hasNonNull("max_length") ? c.get("max_length").asInt() - 1 : d.maxNewTokens();
        int eos = c.path("eos_token_id").isArray() ? c.get("eos_token_id").get(0).asInt()
                : c.path("eos_token_id").asInt(d.eosTokenId());
        try {
            return new GenerationConfig(maxNew, c.path("min_new_tokens").asInt(0), c.path("num_beams").asInt(1),
                    c.path("length_penalty").asDouble(1.0), c.path("early_stopping").asBoolean(false),
                    c.path("do_sample").asBoolean(false), c.path("temperature").asDouble(1.0),
                    c.path("top_k").asInt(50), c.path("top_p").asDouble(1.0), null,
                    c.path("no_repeat_ngram_size").asInt(0), c.path("decoder_start_token_id").asInt(0), eos,
                    c.path("pad_token_id").asInt(0));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (in " + file + ")", e);
        }
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, Math.min(minNewTokens, n), numBeams, lengthPenalty, earlyStopping, doSample,
                temperature, topK, topP, seed, noRepeatNgramSize, decoderStartTokenId, eosTokenId, padTokenId);
    }

    public GenerationConfig withMinNewTokens(int n) {
        return new GenerationConfig(maxNewTokens, n, numBeams, lengthPenalty, earlyStopping, doSample,
                temperature, topK, topP, seed, noRepeatNgramSize, decoderStartTokenId, eosTokenId, padTokenId);
    }

    public GenerationConfig withBeams(int beams, double lengthPenalty, boolean earlyStopping) {
        return new GenerationConfig(maxNewTokens, minNewTokens, beams, lengthPenalty, earlyStopping, false,
                temperature, topK, topP, seed, noRepeatNgramSize, decoderStartTokenId, eosTokenId, padTokenId);
    }

    public GenerationConfig withSampling(double temperature, int topK, double topP, Long seed) {
        return new GenerationConfig(maxNewTokens, minNewTokens, 1, lengthPenalty, earlyStopping, true,
                temperature, topK, topP, seed, noRepeatNgramSize, decoderStartTokenId, eosTokenId, padTokenId);
    }

    public GenerationConfig withNoRepeatNgramSize(int n) {
        return new GenerationConfig(maxNewTokens, minNewTokens, numBeams, lengthPenalty, earlyStopping, doSample,
                temperature, topK, topP, seed, n, decoderStartTokenId, eosTokenId, padTokenId);
    }

    /** Greedy decoding (no sampling, one beam), keeping the other settings. */
    public GenerationConfig greedy() {
        return new GenerationConfig(maxNewTokens, minNewTokens, 1, lengthPenalty, earlyStopping, false,
                temperature, topK, topP, seed, noRepeatNgramSize, decoderStartTokenId, eosTokenId, padTokenId);
    }
}
