package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MarkdownReaderTest extends DocumentReaderContract {
    @Override
    DocumentReader reader() {
        return new MarkdownReader();
    }

    @Override
    Path writeSample(Path dir) throws IOException {
        return Files.writeString(dir.resolve("sample.md"), "# A sample\n\n" + SENTENCE + "\n");
    }

    @Test
    void peftQuicktourKeepsProseAndCodeButNoTagsUrlsOrImages() throws IOException {
        Collected c = Collected.read(RealFiles.doc("peft-quicktour.md"));
        Document doc = c.single();
        String text = c.text();
        assertThat(doc.title()).isEqualTo("Quicktour");
        assertThat(doc.language()).isEqualTo(Language.ENGLISH);
        assertThat(text).startsWith("Quicktour\n\nPEFT offers parameter-efficient methods for finetuning large "
                + "pretrained models.");
        assertThat(text).doesNotContain("<Tip", "</Tip>", "<div", "<img", "<!--", "Copyright 2023", "](", "```",
                "https://", "**");
        assertThat(text).contains("peft_config = LoraConfig(target_modules=[\"q_proj\"]"); // code block kept
        assertThat(text).contains("pass it to the peft.get_peft_model function"); // doc-builder reference
    }

    @Test
    void portugueseMdxLosesComponentsAndLinkUrlsButKeepsLinkText() throws IOException {
        Collected c = Collected.read(RealFiles.doc("hf-course-pt-chapter1-5.mdx"));
        assertThat(c.single().title()).isEqualTo("Modelos codificadores");
        assertThat(c.single().language()).isEqualTo(Language.PORTUGUESE);
        assertThat(c.text()).doesNotContain("<Youtube", "CourseFloatingBanner", "classNames", "huggingface.co")
                .contains("- ALBERT\n- BERT\n- DistilBERT")
                .contains("Os modelos de encoder (codificadores) usam apenas o encoder de um modelo Transformer.");

        Collected c2 = Collected.read(RealFiles.doc("hf-course-pt-chapter2-1.mdx"));
        assertThat(c2.single().title()).isEqualTo("Introdução");
        assertThat(c2.single().language()).isEqualTo(Language.PORTUGUESE);
        assertThat(c2.text()).contains("Como você viu no Capitulo 1, normalmente")
                .contains("Fácil de usar: Baixar")          // **bold** unwrapped
                .containsPattern("recomendamos +criar uma conta\\.") // inline <a> dropped, text kept
                .doesNotContain("[!TIP]", "/course/pt");
    }

    @Test
    void frontMatterGivesTheTitleAndIsDropped() {
        MarkdownReader.Cleaned c = MarkdownReader.clean("---\ntitle: \"Guia rápido\"\nlang: pt\n---\n# Other\n\nTexto.\n");
        assertThat(c.title()).isEqualTo("Guia rápido");
        assertThat(c.text()).isEqualTo("Other\n\nTexto.");
    }

    @Test
    void tagsImagesAndUrlsGoButCodeInsideFencesStaysVerbatim() {
        String md = """
                Intro with ![logo](img/logo.png) an image and a [link](https://example.com/x) and <https://bare.org>.

                <Tip warning={true}>

                Careful <b>now</b>.

                </Tip>

                <Youtube id="abc"/>

                ```java
                List<String> xs = new ArrayList<>(); // [not](a link)
                ```
                [ref]: https://example.com/ref
                """;
        MarkdownReader.Cleaned c = MarkdownReader.clean(md);
        assertThat(c.title()).isEmpty();
        assertThat(c.text()).isEqualTo("""
                Intro with  an image and a link and .

                Careful now.

                List<String> xs = new ArrayList<>(); // [not](a link)""");
    }

    @Test
    void titleFallsBackToTheFileName() throws IOException {
        Path file = Files.writeString(dir.resolve("notes-2024.md"), "## Only a level-two heading\n\nBody text here.\n");
        assertThat(Collected.read(file).single().title()).isEqualTo("notes-2024");
    }
}
