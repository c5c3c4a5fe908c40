package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.app.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code serve}'s security defaults at the command line: a reachable address needs a token or an explicit --no-auth. */
class ServeCommandTest {
    @TempDir Path tmp;

    @Test
    void aNonLoopbackHostWithoutATokenRefusesToStartWithOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("serve", "--collection", tmp.resolve("col").toString(), "--host", "0.0.0.0", "--port", "0",
                "--token", "");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines().findFirst().orElse("")).contains("--host 0.0.0.0 is reachable from other machines")
                .contains("--token").contains("--no-auth");
        assertThat(tmp.resolve("col")).doesNotExist();
    }

    @Test
    void noAuthOnANonLoopbackHostStartsWithAWarning() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int[] code = {-1};
        Thread serving = new Thread(() -> code[0] = cl.execute("serve", "--collection", tmp.resolve("col").toString(),
                "--host", "0.0.0.0", "--port", "0", "--no-auth", "--token", ""));
        serving.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!out.toString().contains("ragtune serving") && serving.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        serving.interrupt();
        serving.join(60_000);
        assertThat(err.toString()).contains("warning: serving on 0.0.0.0 WITHOUT authentication");
        assertThat(out.toString()).contains("ragtune serving").contains("/openapi.json");
        assertThat(code[0]).isZero();
    }
}
