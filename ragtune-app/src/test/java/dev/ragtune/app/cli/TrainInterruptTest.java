package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training run in a child JVM stopped by SIGTERM (what Ctrl-C / kill do: the JVM runs its shutdown hooks) leaves
 * a complete checkpoint in {@code --output/checkpoint}; {@code --resume} reads it and refuses changed settings
 * (that a resumed run continues the same loss curve is proven in ragtune-model's LoraTrainingTest).
 */
class TrainInterruptTest {
    @Test
    void signalWritesCheckpointThatResumeChecks(@TempDir Path tmp) throws Exception {
        Path base = TrainCommandTest.tinyVocabModel(tmp.resolve("base"));
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            b.append("{\"prompt\":\"question ").append(i).append("\",\"answer\":\"answer ").append(i % 3).append("\"}\n");
        }
        Path data = tmp.resolve("d.jsonl");
        Files.writeString(data, b);
        Path out = tmp.resolve("out");
        List<String> args = List.of("--model", base.toString(), "--train", data.toString(), "--output", out.toString(),
                "--epochs", "400", "--batch-size", "4", "--log-every", "1", "--lora-r", "2");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), TrainCommandMain.class.getName()));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int seen = 0;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("step ") && line.contains(" | epoch ") && ++seen == 3) {
                    break;
                }
            }
            assertThat(seen).as("the child logged training steps").isEqualTo(3);
            p.destroy(); // SIGTERM -> shutdown hook -> checkpoint
            assertThat(p.waitFor(240, TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        Path state = out.resolve("checkpoint/trainer_state.json");
        assertThat(state).exists();
        JsonNode s = new ObjectMapper().readTree(state.toFile());
        long step = s.get("globalStep").asLong();
        assertThat(step).isGreaterThanOrEqualTo(3).isLessThan(1600);
        assertThat(out.resolve("checkpoint/adapter_model.safetensors")).exists();
        assertThat(out.resolve("checkpoint/optimizer.safetensors")).exists();
        assertThat(out.resolve("adapter_model.safetensors")).as("final adapter only after a full run").doesNotExist();

        // resume with fewer epochs is refused (the LR schedule would change) ...
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new TrainCommand());
        cl.setErr(new java.io.PrintWriter(err));
        cl.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
        List<String> shorter = new java.util.ArrayList<>(args);
        shorter.set(shorter.indexOf("400"), "2");
        shorter.add("--resume");
        assertThat(cl.execute(shorter.toArray(String[]::new))).isEqualTo(2);
        assertThat(err.toString()).contains("epochs = 400 but this run has 2");
    }
}
