package dev.ragtune.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.app.Main;
import dev.ragtune.rag.corpus.Corpora;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The CLI finds the SolrCloud backend on its class path, and a Solr that is not there is one line, no stack trace. */
class SolrCliTest {
    @Test
    void solrUrisAreServedByTheSolrBackendAndFoldersByTheFolderBackend() {
        assertThat(Corpora.backendFor("solr://zk1:2181,zk2:2181/solr/docs").name()).isEqualTo("solr");
        assertThat(Corpora.backendFor("solr+http://localhost:8983/solr/docs").name()).isEqualTo("solr");
        assertThat(Corpora.backendFor("my-docs").name()).isEqualTo("folder");
    }

    @Test
    void searchingASolrThatIsDownPrintsOneLineNamingTheUriAndNoStackTrace() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String uri = "solr+http://127.0.0.1:" + port + "/solr/docs";
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "search", "--collection", uri, "--mode", "bm25", "what is LoRA").start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the command ends").isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(1);
        assertThat(out).isEmpty();
        List<String> lines = err.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(err).singleElement().satisfies(l -> assertThat(l)
                .startsWith("ragtune search: SolrCloud " + uri + ": cannot reach the cluster")
                .contains("is SolrCloud running"));
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
