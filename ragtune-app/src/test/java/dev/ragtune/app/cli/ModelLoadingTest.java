package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ragtune.app.Main;
import dev.ragtune.app.cli.CliTest.Run;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that loads a model goes through the one loader: {@code generate --adapter} gives PEFT's ids, and an
 * adapter ragtune cannot reproduce is refused in every command with one line naming the option (no stack trace).
 */
class ModelLoadingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Run run(String... args) {
        return CliTest.run(args);
    }

    static String resource(String name) throws URISyntaxException {
        return Paths.get(ModelLoadingTest.class.getResource("/" + name).toURI()).toString();
    }

    private static long[] ids(JsonNode arr) {
        return GenerateCommandTest.ids(arr);
    }

    @Test
    void generateWithAdapterGivesPeftGreedyIds() throws Exception {
        // golden/t5-tiny/lora/expected.safetensors batch3.greedy_ids row 2 (PEFT 0.20 + transformers generate())
        Run r = run("generate", "--model", resource("t5-tiny"), "--adapter", resource("t5-tiny-lora"),
                "--input-ids", "382,439,316,1", "--max-new-tokens", "8", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(ids(j.get("token_ids"))).containsExactly(220, 436, 93, 415, 94, 86, 376, 313);
        assertThat(j.get("model").asText()).contains("LoRA").contains("t5-tiny-lora");
        Run base = run("generate", "--model", resource("t5-tiny"), "--input-ids", "382,439,316,1",
                "--max-new-tokens", "8", "--json");
        assertThat(ids(JSON.readTree(base.out()).get("token_ids"))).as("the adapter changes the output")
                .isNotEqualTo(ids(j.get("token_ids")));
    }

    /** The test adapter turned into an aLoRA adapter (PEFT would apply it only after its invocation tokens). */
    private Path aloraAdapter() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("alora"));
        Path src = Path.of(resource("t5-tiny-lora"));
        ObjectNode c = (ObjectNode) JSON.readTree(src.resolve("adapter_config.json").toFile());
        c.putArray("alora_invocation_tokens").add(32).add(33);
        JSON.writeValue(dir.resolve("adapter_config.json").toFile(), c);
        Files.copy(src.resolve("adapter_model.safetensors"), dir.resolve("adapter_model.safetensors"));
        return dir;
    }

    private static void oneLineRefusal(Run r, String command) {
        assertThat(r.code()).as(command + ": " + r.err()).isIn(1, 2);
        String[] lines = r.err().strip().split("\n");
        assertThat(lines[lines.length - 1]).as(command).contains("alora_invocation_tokens").contains("not implemented");
        assertThat(r.err()).as(command).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void everyModelCommandRefusesAnUnsupportedAdapterInOneLine() throws Exception {
        String model = resource("t5-tiny-with-tokenizer");
        String alora = aloraAdapter().toString();
        oneLineRefusal(run("generate", "--model", model, "--adapter", alora, "--input-ids", "5,1"), "generate");
        oneLineRefusal(run("ask", "--no-rag", "--model", model, "--adapter", alora, "--max-new-tokens", "4", "q?"),
                "ask");
        Path questions = tmp.resolve("q.jsonl");
        Files.writeString(questions, "{\"id\":\"1\",\"question\":\"q?\",\"answers\":[\"a\"]}\n");
        oneLineRefusal(run("eval", "--questions", questions.toString(), "--configs", "no-rag", "--model", model,
                "--adapter", alora, "--out", tmp.resolve("eval").toString()), "eval");
        oneLineRefusal(run("merge", "--model", model, "--adapter", alora, "--output", tmp.resolve("m").toString()),
                "merge");
        assertThat(tmp.resolve("m")).doesNotExist();
        Path train = tmp.resolve("train.jsonl");
        Files.writeString(train, "{\"id\":\"1\",\"context\":\"c\",\"question\":\"q\",\"answers\":{\"text\":[\"c\"],"
                + "\"answer_start\":[0]}}\n");
        oneLineRefusal(run("train", "--model", model, "--train", train.toString(), "--init-adapter", alora,
                "--output", tmp.resolve("t").toString()), "train");
    }

    @Test
    void aModelThatIsNeitherAFolderNorAPulledHubIdIsOneLine() {
        Run r = run("ask", "--no-rag", "--model", "nobody/no-such-model", "q?");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("nobody/no-such-model").contains("model pull").doesNotContain("Exception");
    }

    @Test
    void anAdapterThatIsNotAFolderIsOneLine() throws Exception {
        Run r = run("generate", "--model", resource("t5-tiny"), "--adapter", tmp.resolve("none").toString(),
                "--input-ids", "5,1");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--adapter").contains("is not a folder");
    }

    @Test
    void everyModelCommandAcceptsAHubIdOrAFolder() throws IOException {
        for (String command : new String[] {"generate", "train", "merge", "ask", "eval", "serve"}) {
            String usage = Main.commandLine().getSubcommands().get(command).getUsageMessage();
            assertThat(usage).as(command).contains("DIR|ORG/NAME");
        }
        for (String command : new String[] {"generate", "ask", "eval", "serve"}) {
            assertThat(Main.commandLine().getSubcommands().get(command).getUsageMessage()).as(command)
                    .contains("--adapter").contains("--weights=fp32|int8");
        }
        assertThat(Main.commandLine().getSubcommands().get("train").getUsageMessage()).contains("--init-adapter");
    }

    @Test
    void generateWithInt8WeightsDecodesThroughTheInt8DecoderAndRefusesWhatItCannotDo() throws Exception {
        // golden batch3 row 0: Hugging Face's fp32 greedy output is EOS at once, with a top-2 margin of 7.8
        Run r = run("generate", "--model", resource("t5-tiny"), "--weights", "int8", "--input-ids",
                "435,246,254,491,73,379,55,206,163,270,1", "--max-new-tokens", "8", "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        assertThat(ids(j.get("token_ids"))).containsExactly(1);
        assertThat(j.get("model").asText()).endsWith("(int8)");
        Run withAdapter = run("generate", "--model", resource("t5-tiny"), "--weights", "int8", "--adapter",
                resource("t5-tiny-lora"), "--input-ids", "5,1");
        assertThat(withAdapter.code()).isEqualTo(2);
        assertThat(withAdapter.err()).contains("--weights int8 cannot apply --adapter").contains("ragtune merge");
        Run bad = run("ask", "--no-rag", "--model", resource("t5-tiny-with-tokenizer"), "--weights", "int4", "q?");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("--weights must be fp32 or int8, got 'int4'").doesNotContain("Exception");
    }
}
