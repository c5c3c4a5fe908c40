package dev.ragtune.model.generate;

import ai.djl.Device;
import dev.ragtune.model.Golden;
import dev.ragtune.model.t5.T5Model;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

    @Override
    protected TextGenerator generator() {
        return new Seq2SeqGenerator(model, tokenizer);
    }

    @Override
    protected long eosId() {
        return 1;
    }
}
