package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The generate command on the tiny golden model; expected ids are HF transformers 4.55 generate() outputs. */
class GenerateCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = new CommandLine(new GenerateCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    private static String tiny() throws URISyntaxException {
        Path p = Paths.get(GenerateCommandTest.class.getResource("/t5-tiny").toURI());
        return p.toString();
    }

    static long[] ids(JsonNode arr) {
        long[] r = new long[arr.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = arr.get(i).asLong();
        }
        return r;
    }

    @Test
    void greedyJsonGivesTransformersIdsAndTimings() throws Exception {
        int code = run("--model", tiny(), "--input-ids", "397,1", "--max-new-tokens", "8", "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(ids(json.get("token_ids"))).containsExactly(446, 146, 146, 146, 361, 446, 361, 446);
        for (String k : new String[] {"load", "encode", "generate", "total"}) {
            assertThat(json.get("timings_ms").get(k).asDouble()).as(k).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void beamSearchOptionGivesTransformersBeamIds() throws Exception {
        int code = run("--model", tiny(), "--input-ids", "397,1", "--max-new-tokens", "8", "--num-beams", "3",
                "--json");
        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString());
        assertThat(ids(json.get("token_ids"))).containsExactly(240, 145, 361, 446, 361, 361, 446, 361);
        assertThat(json.get("score").asDouble()).isCloseTo(-3.4765656, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void samplingWithTheSameSeedRepeats() throws Exception {
        run("--model", tiny(), "--input-ids", "397,1", "--do-sample", "--seed", "7", "--json");
        String first = new ObjectMapper().readTree(out.toString()).get("token_ids").toString();
        out.getBuffer().setLength(0);
        run("--model", tiny(), "--input-ids", "397,1", "--do-sample", "--seed", "7", "--json");
        assertThat(new ObjectMapper().readTree(out.toString()).get("token_ids").toString()).isEqualTo(first);
    }

    @Test
    void textPromptWithoutTokenizerIsAClearError() throws Exception {
        assertThat(run("--model", tiny(), "hello")).isEqualTo(2);
        assertThat(err.toString()).contains("tokenizer.json").contains("--input-ids");
    }

    @Test
    void missingModelFolderIsAClearError() {
        assertThat(run("--model", "/nonexistent/model", "--input-ids", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("/nonexistent/model").contains("neither a folder").doesNotContain("Exception");
    }

    @Test
    void outOfVocabularyIdIsAClearError() throws Exception {
        assertThat(run("--model", tiny(), "--input-ids", "99999,1")).isEqualTo(2);
        assertThat(err.toString()).contains("99999").contains("vocabulary");
    }

    @Test
    void helpShowsEveryDefault() {
        String usage = new CommandLine(new GenerateCommand()).getUsageMessage();
        assertThat(usage).contains("Default: 64").contains("Default: cpu").contains("Default: 50");
    }
}
