package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DocumentReadersTest {
    @Test
    void unknownExtensionIsRefusedListingTheSupportedOnes() {
        assertThatThrownBy(() -> DocumentReaders.forFile(Path.of("papers/slides.pptx")))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.UNSUPPORTED))
                .hasMessageStartingWith("papers/slides.pptx: unsupported file type; supported extensions: ")
                .hasMessageContaining("htm, html").hasMessageContaining("jsonl").hasMessageContaining("md, mdx")
                .hasMessageContaining("pdf").hasMessageContaining("txt");
        assertThatThrownBy(() -> DocumentReaders.forFile(Path.of("Makefile"))).isInstanceOf(DocumentException.class);
        assertThat(DocumentReaders.isSupported(Path.of("x/README.MD"))).isTrue();
        assertThat(DocumentReaders.isSupported(Path.of("x/image.png"))).isFalse();
    }

    @Test
    void documentIdIsTheRootRelativePathWithForwardSlashes() {
        Path root = Path.of("/data/corpus");
        assertThat(DocumentReaders.documentId(root, root.resolve("papers").resolve("lora.pdf"))).isEqualTo("papers/lora.pdf");
        assertThat(DocumentReaders.documentId(root, Path.of("/data/corpus/./a/../b.md"))).isEqualTo("b.md");
        assertThat(DocumentReaders.documentId(root.resolve("x.txt"), root.resolve("x.txt"))).isEqualTo("x.txt");
        assertThatThrownBy(() -> DocumentReaders.documentId(root, Path.of("/elsewhere/y.txt")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside the ingest root");
    }
}
