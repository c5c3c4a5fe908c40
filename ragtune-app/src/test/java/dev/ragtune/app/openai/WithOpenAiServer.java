package dev.ragtune.app.openai;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** One {@link OpenAiServer} (default limits, no generative model) for all the tests of a client's test class. */
abstract class WithOpenAiServer {
    @TempDir static Path tmp;
    static OpenAiServer server;

    @BeforeAll
    static void startServer() throws Exception {
        server = new OpenAiServer(tmp);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }
}
