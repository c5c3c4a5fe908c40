package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.Golden;
import dev.ragtune.model.generate.GenerationConfig;
import dev.ragtune.model.generate.GenerationResult;
import dev.ragtune.model.generate.Seq2SeqGenerator;
import dev.ragtune.model.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mT5 / mT0 checkpoints ({@code MT5ForConditionalGeneration}): the same T5 v1.1 computation under {@code MT5Config},
 * whose defaults differ (gated-gelu, untied lm_head). The golden t5-tiny weights under an mT5 config.json written in
 * google/mt5-small's layout (which leaves those two keys to the defaults) must give Hugging Face's outputs.
 */
class Mt5CheckpointTest {
    @TempDir
    Path tmp;

    /** google/mt5-small's config.json keys with t5-tiny's sizes; no feed_forward_proj / tie_word_embeddings keys. */
    static final String MT5_CONFIG = """
            {
              "architectures": ["MT5ForConditionalGeneration"],
              "d_ff": 128, "d_kv": 16, "d_model": 64, "decoder_start_token_id": 0, "dropout_rate": 0.1,
              "eos_token_id": 1, "initializer_factor": 1.0, "is_encoder_decoder": true, "layer_norm_epsilon": 1e-06,
              "model_type": "mt5", "num_decoder_layers": 2, "num_heads": 4, "num_layers": 2, "pad_token_id": 0,
              "relative_attention_num_buckets": 32, "tokenizer_class": "T5Tokenizer", "transformers_version": "4.10.0.dev0",
              "use_cache": true, "vocab_size": 512
            }
            """;

    @Test
    void mt5ConfigDefaultsAreGatedGeluAndAnUntiedLmHead() throws IOException {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, "{\"model_type\": \"mt5\"}");
        T5Config c = T5Config.read(cfg);
        assertThat(c.gatedActivation()).isTrue();
        assertThat(c.activation()).isEqualTo("gelu_new");
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.vocabSize()).isEqualTo(250112);
        assertThat(new int[] {c.dModel(), c.dFf(), c.numLayers(), c.numHeads()}).containsExactly(512, 1024, 8, 6);
        Files.writeString(cfg, "{\"model_type\": \"t5\"}");
        assertThat(T5Config.read(cfg).tieWordEmbeddings()).as("T5Config's own defaults stay").isTrue();
    }

    @Test
    void mt5CheckpointGivesTransformersLogitsAndGreedyIds() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mt5-tiny"));
        Files.writeString(dir.resolve("config.json"), MT5_CONFIG);
        Files.copy(Golden.tinyModel().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        SafetensorsReader cases = Golden.cases();
        try (T5Model model = T5Model.load(dir, Device.cpu()); NDManager scope = model.manager().newSubManager()) {
            assertThat(model.config().tieWordEmbeddings()).isFalse();
            NDArray logits = model.forward(cases.load(scope, "batch3.input_ids"),
                    cases.load(scope, "batch3.attention_mask"),
                    model.shiftRight(cases.load(scope, "batch3.labels"))).logits();
            assertThat(Golden.maxAbsDiff(logits.toFloatArray(), cases.readFloats("batch3.logits"))).isLessThan(1e-4);
            GenerationResult r = new Seq2SeqGenerator(model, null).generate(cases.load(scope, "batch2.input_ids"),
                    cases.load(scope, "batch2.attention_mask"), GenerationConfig.defaults().withMaxNewTokens(8), false);
            long[] golden = cases.readLongs("batch2.greedy_ids");
            assertThat(r.sequences()[0]).containsExactly(Arrays.copyOfRange(golden, 0, 9));
        }
    }
}
