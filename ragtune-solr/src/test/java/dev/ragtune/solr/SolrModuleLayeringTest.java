package dev.ragtune.solr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's layering, read from its sources: the backend sees ragtune-rag (the seam and the values it exchanges)
 * and SolrJ, never the app or the model module, and no Solr server code (solr-core is for tests only).
 */
class SolrModuleLayeringTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    @Test
    void mainSourcesImportOnlyTheRagModuleSolrJAndTheJdk() throws IOException {
        Path main = Path.of("src", "main", "java");
        assertThat(main).isDirectory();
        List<String> offending = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(main)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                Matcher m = IMPORT.matcher(Files.readString(p));
                while (m.find()) {
                    String imp = m.group(1);
                    boolean allowed = imp.startsWith("java.") || imp.startsWith("dev.ragtune.rag.")
                            || imp.startsWith("dev.ragtune.solr.") || imp.startsWith("com.fasterxml.jackson.")
                            || imp.startsWith("org.apache.solr.client.solrj.") || imp.startsWith("org.apache.solr.common.");
                    if (!allowed) offending.add(main.relativize(p) + ": " + imp);
                }
            }
        }
        assertThat(files).isGreaterThan(5);
        assertThat(offending).isEmpty();
    }
}
