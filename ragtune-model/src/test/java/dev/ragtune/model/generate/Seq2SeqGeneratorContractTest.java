package dev.ragtune.model.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.ragtune.model.Golden;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seq2SeqGenerator over t5-tiny with the real FLAN-T5 tokenizer (the contract prompts' ids are all < 512). */
class Seq2SeqGeneratorContractTest extends TextGeneratorContractTest {
    @TempDir
    static Path dir;
    private static T5Model model;
    private static T5Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        for (String f : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
            Files.copy(Golden.tinyModel().resolve(f), dir.resolve(f));
        }
        Files.copy(Golden.resource("t5-tokenizer/tokenizer.json"), dir.resolve("tokenizer.json"));
        model = T5Model.load(dir, Device.cpu());
        tokenizer = T5Tokenizer.load(dir);
        for (String p : PROMPTS) {
            for (long id : tokenizer.encode(p)) {
                if (id >= model.config().vocabSize()) {
                    throw new IllegalStateException("prompt '" + p + "' has id " + id + " outside t5-tiny's vocab");
                }
            }
        }
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void streamingTellsEveryChosenIdInOrderAndReturnsTheUnstreamedResult() {
        Seq2SeqGenerator g = new Seq2SeqGenerator(model, tokenizer);
        for (GenerationConfig cfg : List.of(GenerationConfig.defaults().withMaxNewTokens(8),
                GenerationConfig.defaults().withMaxNewTokens(8).withBeams(2, 1.0, false))) {
            for (String p : PROMPTS) {
                List<Long> told = new ArrayList<>();
                GeneratedText streamed = g.generateStreaming(p, cfg, told::add);
                GeneratedText plain = g.generate(List.of(p), cfg).get(0);
                assertThat(streamed.tokenIds()).as(p).containsExactly(plain.tokenIds());
                assertThat(streamed.text()).isEqualTo(plain.text());
                assertThat(told.stream().mapToLong(Long::longValue).toArray()).as(p).containsExactly(plain.tokenIds());
            }
        }
    }

    @Override
    protected TextGenerator generator() {
        return new Seq2SeqGenerator(model, tokenizer);
    }

    @Override
    protected long eosId() {
        return 1;
    }
}
