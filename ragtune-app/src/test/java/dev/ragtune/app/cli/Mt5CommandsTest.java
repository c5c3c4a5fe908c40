package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ragtune.app.cli.CliTest.Run;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.tokenize.T5Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate, train, merge and ask on a tiny random mT5 (model_type mt5, 250112-row untied lm_head) with a Portuguese
 * SentencePiece tokenizer in mT5's layout ({@link TinyMt5}).
 */
class Mt5CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PT = "Não há informações sobre a ação?";

    @TempDir
    static Path tmp;
    static Path mt5;

    @BeforeAll
    static void write() throws Exception {
        mt5 = TinyMt5.write(tmp.resolve("mt5-tiny"));
    }

    private static Run run(String... args) {
        return CliTest.run(args);
    }

    @Test
    void portugueseRoundTripsThroughAnMt5LayoutTokenizerWhereFlanT5LosesItsAccents() throws Exception {
        try (T5Tokenizer tok = T5Tokenizer.load(mt5)) {
            long[] ids = tok.encode(PT);
            assertThat(ids).doesNotContain(T5Tokenizer.UNK_ID).endsWith(1L);
            assertThat(tok.decode(ids)).isEqualTo(PT);
            assertThat(tok.unencodableCharacters("não, ação, informações")).isEmpty();
        }
        Path flan = Paths.get(Mt5CommandsTest.class.getResource("/t5-tokenizer/tokenizer.json").toURI());
        try (T5Tokenizer tok = T5Tokenizer.load(flan)) {
            assertThat(tok.unencodableCharacters("não, ação, informações")).contains("ã", "õ");
            assertThat(tok.decode(tok.encode(PT))).isNotEqualTo(PT);
        }
    }

    @Test
    void generateTrainMergeAndAskRunAnMt5Checkpoint() throws Exception {
        Run g = run("generate", "--model", mt5.toString(), "--max-new-tokens", "6", "--json", PT);
        assertThat(g.code()).as(g.err()).isZero();
        JsonNode generated = JSON.readTree(g.out());
        assertThat(generated.get("token_ids").size()).isBetween(1, 6);

        Path data = tmp.resolve("treino.jsonl");
        Files.writeString(data, ("{\"context\":\"O modelo não tem informações sobre a ação.\",\"question\":\"O que o"
                + " modelo não tem?\",\"answers\":[\"informações\"]}\n").repeat(4));
        Path adapter = tmp.resolve("adapter");
        Run t = run("train", "--model", mt5.toString(), "--train", data.toString(), "--output", adapter.toString(),
                "--epochs", "1", "--batch-size", "2", "--lr", "0.05", "--lora-r", "2", "--lora-alpha", "4");
        assertThat(t.code()).as(t.err()).isZero();
        assertThat(JSON.readTree(adapter.resolve("adapter_config.json").toFile()).get("base_model_name_or_path")
                .asText()).isEqualTo(mt5.toAbsolutePath().toString());

        Path merged = tmp.resolve("merged");
        Run m = run("merge", "--model", mt5.toString(), "--adapter", adapter.toString(), "--output", merged.toString());
        assertThat(m.code()).as(m.err()).isZero();
        assertThat(JSON.readTree(merged.resolve("config.json").toFile()).get("model_type").asText()).isEqualTo("mt5");
        assertThat(SafetensorsReader.open(merged.resolve("model.safetensors")).info("lm_head.weight").shape())
                .containsExactly(TinyMt5.VOCAB, TinyMt5.D);

        Run withAdapter = run("generate", "--model", mt5.toString(), "--adapter", adapter.toString(),
                "--max-new-tokens", "6", "--json", PT);
        Run fromMerged = run("generate", "--model", merged.toString(), "--max-new-tokens", "6", "--json", PT);
        assertThat(withAdapter.code()).as(withAdapter.err()).isZero();
        assertThat(JSON.readTree(fromMerged.out()).get("token_ids"))
                .isEqualTo(JSON.readTree(withAdapter.out()).get("token_ids"));

        Run ask = run("ask", "--no-rag", "--model", mt5.toString(), "--adapter", adapter.toString(),
                "--max-new-tokens", "6", "--json", "O que o modelo não tem?");
        assertThat(ask.code()).as(ask.err()).isZero();
        assertThat(JSON.readTree(ask.out()).get("generator").asText()).contains("LoRA");
    }
}
