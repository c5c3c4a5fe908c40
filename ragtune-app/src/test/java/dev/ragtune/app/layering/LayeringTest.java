package dev.ragtune.app.layering;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards the architecture of docs/ARCHITECTURE.md with a plain scan of the main sources' imports (fully qualified
 * names in code are caught too): each rule names a set of source files and the packages they must not reach.
 */
class LayeringTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.ragtune\\.[a-z0-9_.]+");

    /** Every {@code dev.ragtune.…} name a source file mentions, with the file. */
    private static List<String[]> references(Path sources) {
        List<String[]> out = new ArrayList<>();
        if (!Files.isDirectory(sources)) return out;
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String text = Files.readString(f);
                Matcher m = REFERENCE.matcher(text);
                while (m.find()) out.add(new String[] {ROOT.relativize(f).toString(), m.group()});
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path main(String module) {
        return ROOT.resolve(module).resolve("src/main/java");
    }

    /** The references from {@code sources} (optionally only files under {@code pkgDir}) into any forbidden package. */
    private static List<String> violations(Path sources, String pkgDir, List<String> forbidden) {
        List<String> out = new ArrayList<>();
        for (String[] r : references(sources)) {
            if (pkgDir != null && !r[0].replace('\\', '/').contains(pkgDir)) continue;
            for (String f : forbidden) {
                if (r[1].equals(f) || r[1].startsWith(f + ".")) out.add(r[0] + " -> " + r[1]);
            }
        }
        return out;
    }

    @Test
    void theSourcesAreWhereTheRulesLook() {
        assertThat(main("ragtune-model")).isDirectory();
        assertThat(main("ragtune-rag")).isDirectory();
        assertThat(main("ragtune-app")).isDirectory();
        assertThat(references(main("ragtune-rag"))).isNotEmpty();
    }

    @Test
    void theModelModuleKnowsNothingOfRagOrTheApp() {
        assertThat(violations(main("ragtune-model"), null,
                List.of("dev.ragtune.rag", "dev.ragtune.app", "dev.ragtune.solr", "dev.ragtune.langchain4j"))).isEmpty();
    }

    @Test
    void theRagModuleNeverSeesModelCodeOrTheApp() {
        assertThat(violations(main("ragtune-rag"), null,
                List.of("dev.ragtune.model", "dev.ragtune.app", "dev.ragtune.solr", "dev.ragtune.langchain4j"))).isEmpty();
    }

    @Test
    void theRetrievalSeamKnowsNoBackend() {
        assertThat(violations(main("ragtune-rag"), "dev/ragtune/rag/corpus/",
                List.of("dev.ragtune.rag.collection", "dev.ragtune.solr"))).isEmpty();
    }

    @Test
    void answeringAndEvaluationGoThroughTheSeamNotTheLocalFolder() {
        for (String pkg : List.of("dev/ragtune/rag/answer/", "dev/ragtune/rag/retrieve/")) {
            assertThat(violations(main("ragtune-rag"), pkg, List.of("dev.ragtune.rag.collection"))).as(pkg).isEmpty();
        }
    }

    @Test
    void backendsAndIntegrationsNeverSeeTheAppOrModelCode() {
        for (String module : List.of("ragtune-solr", "ragtune-langchain4j")) {
            assertThat(violations(main(module), null, List.of("dev.ragtune.app", "dev.ragtune.model",
                    "dev.ragtune.rag.collection"))).as(module).isEmpty();
        }
    }

    @Test
    void theWebServerReachesModelsOnlyThroughTheWiring() {
        assertThat(violations(main("ragtune-app"), "dev/ragtune/app/web/", List.of("dev.ragtune.model"))).isEmpty();
    }

    @Test
    void theOpenAiApiSeesOnlyTheSeamAndTheAnswerPipeline() {
        assertThat(violations(main("ragtune-app"), "dev/ragtune/app/openai/", List.of("dev.ragtune.model",
                "dev.ragtune.app.web", "dev.ragtune.app.cli", "dev.ragtune.rag.collection"))).isEmpty();
    }
}
