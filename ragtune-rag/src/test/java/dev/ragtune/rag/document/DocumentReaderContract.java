package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every {@link DocumentReader} must do; each implementation's test extends this. */
abstract class DocumentReaderContract {
    static final String SENTENCE = "The quick brown fox jumps over the lazy dog near the riverbank.";

    @TempDir
    Path dir;

    abstract DocumentReader reader();

    /** Writes a valid file of the format, holding {@link #SENTENCE} as text, under {@code dir}. */
    abstract Path writeSample(Path dir) throws IOException;

    /** True when document ids come from the file's content rather than the id passed in (JSONL). */
    boolean idsFromContent() {
        return false;
    }

    @Test
    void extensionsAreLowerCaseWithoutDotsAndRouteToThisReader() throws DocumentException {
        assertThat(reader().extensions()).isNotEmpty();
        for (String ext : reader().extensions()) {
            assertThat(ext).doesNotContain(".").isEqualTo(ext.toLowerCase());
            assertThat(DocumentReaders.forFile(Path.of("a/b." + ext))).isInstanceOf(reader().getClass());
            assertThat(DocumentReaders.forFile(Path.of("a/B." + ext.toUpperCase()))).isInstanceOf(reader().getClass());
        }
    }

    @Test
    void sampleIsReadAsStartSectionsEndWithTheTextInside() throws IOException {
        Path file = writeSample(dir);
        Collected c = new Collected();
        reader().read(file, "given/id", c);
        Document doc = c.single();
        if (!idsFromContent()) assertThat(doc.id()).isEqualTo("given/id");
        assertThat(doc.language()).isEqualTo(Language.ENGLISH);
        assertThat(c.events.get(0)).startsWith("start ");
        assertThat(c.events.get(c.events.size() - 1)).startsWith("end ");
        assertThat(c.text().replaceAll("\\s+", " ")).contains(SENTENCE);
        assertThat(c.warnings).isEmpty();
        List<Section> sections = c.singleSections();
        for (int i = 1; i < sections.size(); i++) {
            Section prev = sections.get(i - 1);
            Section cur = sections.get(i);
            if (cur.page() == 0) assertThat(cur.offset()).isEqualTo(prev.offset() + prev.text().length());
            else assertThat(cur.page()).isGreaterThan(prev.page());
        }
    }

    @Test
    void emptyFileIsRefusedAsEmptyNamingTheFile() throws IOException {
        Path file = writeSample(dir);
        Files.write(file, new byte[0]);
        Collected c = new Collected();
        assertThatThrownBy(() -> reader().read(file, "x", c))
                .isInstanceOfSatisfying(DocumentException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DocumentException.Reason.EMPTY);
                    assertThat(e.file()).isEqualTo(file.toString());
                })
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("skipped");
        assertThat(c.events).isEmpty();
    }

    @Test
    void readerIsStatelessAcrossReads() throws IOException {
        Path file = writeSample(dir);
        Collected first = new Collected();
        reader().read(file, "id", first);
        Collected second = new Collected();
        reader().read(file, "id", second);
        assertThat(second.events).isEqualTo(first.events);
        assertThat(second.text()).isEqualTo(first.text());
    }
}
