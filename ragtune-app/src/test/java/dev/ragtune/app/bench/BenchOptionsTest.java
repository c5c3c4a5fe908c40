package dev.ragtune.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.app.cli.CliTest;
import dev.ragtune.app.cli.CliTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bench options that cannot work are one line before any model is built, never ignored or found out afterwards. */
class BenchOptionsTest {
    @TempDir Path tmp;

    @Test
    void generateRefusesAModelFolderOutsideTheInt8Comparison() {
        Run r = CliTest.run("bench", "generate", "--model", tmp.toString(), "--new-tokens", "1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().strip()).doesNotContain("\n")
                .startsWith("ragtune generate: --model is for the fp32/int8 comparison (--weights fp32,int8)");
    }

    @Test
    void trainChecksSquadAndTokenizerBeforeTheFirstStep() throws IOException {
        Path squad = Files.writeString(tmp.resolve("squad.json"), "{\"data\":[]}");
        Run noTokenizer = CliTest.run("bench", "train", "--squad", squad.toString(), "--steps", "1");
        assertThat(noTokenizer.code()).isEqualTo(1);
        assertThat(noTokenizer.out()).isEmpty();
        assertThat(noTokenizer.err().strip()).isEqualTo("ragtune train: --squad needs --tokenizer (FLAN-T5 "
                + "tokenizer.json or its folder)");
        Run missing = CliTest.run("bench", "train", "--squad", tmp.resolve("nope.json").toString(), "--tokenizer",
                tmp.toString(), "--steps", "1");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out()).isEmpty();
        assertThat(missing.err().strip()).contains("--squad " + tmp.resolve("nope.json") + " is not a file");
    }
}
