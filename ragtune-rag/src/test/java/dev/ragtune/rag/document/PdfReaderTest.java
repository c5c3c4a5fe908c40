package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.pdmodel.graphics.image.LosslessFactory;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.junit.jupiter.api.Test;

class PdfReaderTest extends DocumentReaderContract {
    @Override
    DocumentReader reader() {
        return new PdfReader();
    }

    @Override
    Path writeSample(Path dir) throws IOException {
        Path file = dir.resolve("sample.pdf");
        try (PDDocument pdf = textPdf("A sample title line", SENTENCE)) {
            pdf.save(file.toFile());
        }
        return file;
    }

    /** One page per line of text, Helvetica. */
    static PDDocument textPdf(String... pages) throws IOException {
        PDDocument pdf = new PDDocument();
        for (String text : pages) {
            PDPage page = new PDPage();
            pdf.addPage(page);
            try (PDPageContentStream cs = new PDPageContentStream(pdf, page)) {
                cs.beginText();
                cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 11);
                cs.newLineAtOffset(50, 700);
                cs.showText(text);
                cs.endText();
            }
        }
        return pdf;
    }

    /** A PDF with a user password (AES-128), as {@code qpdf --encrypt} or Acrobat would make. */
    static Path writeEncrypted(Path file) throws IOException {
        try (PDDocument pdf = textPdf(SENTENCE)) {
            StandardProtectionPolicy policy = new StandardProtectionPolicy("owner-pw", "user-pw", new AccessPermission());
            policy.setEncryptionKeyLength(128);
            pdf.protect(policy);
            pdf.save(file.toFile());
        }
        return file;
    }

    /** Two pages holding only a picture of text, like a scan without OCR. */
    static Path writeImageOnly(Path file) throws IOException {
        try (PDDocument pdf = new PDDocument()) {
            for (int i = 0; i < 2; i++) {
                PDPage page = new PDPage();
                pdf.addPage(page);
                BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                img.getGraphics().drawString("Hi", 10, 30);
                PDImageXObject x = LosslessFactory.createFromImage(pdf, img);
                try (PDPageContentStream cs = new PDPageContentStream(pdf, page)) {
                    cs.drawImage(x, 50, 500, 300, 300);
                }
            }
            pdf.save(file.toFile());
        }
        return file;
    }

    @Test
    void lgpdHas26PagesInOrderInPortugueseWithArticle1OnPage1() throws IOException {
        Collected c = Collected.read(RealFiles.doc("lgpd-lei-13709-2018.pdf"));
        Document doc = c.single();
        List<Section> pages = c.singleSections();
        assertThat(doc.id()).isEqualTo("lgpd-lei-13709-2018.pdf");
        assertThat(doc.metadata()).containsEntry("pages", "26").containsEntry("format", "pdf");
        assertThat(doc.title()).isEqualTo("L13709"); // the PDF's info dictionary Title
        assertThat(doc.language()).isEqualTo(Language.PORTUGUESE);
        assertThat(pages).extracting(Section::page).containsExactlyElementsOf(IntStream.rangeClosed(1, 26).boxed().toList());
        assertThat(pages).allSatisfy(p -> assertThat(p.offset()).isZero());
        assertThat(pages.get(0).text()).contains("LEI Nº 13.709, DE 14 DE AGOSTO DE 2018")
                .contains("Art. 1º Esta Lei dispõe sobre o tratamento de dados pessoais");
        // Art. 10 starts on page 6 of this print (checked by reading the PDF)
        assertThat(pages.get(5).text()).contains("Art. 10. O legítimo interesse do controlador");
        assertThat(pages.get(4).text()).doesNotContain("Art. 10. O legítimo interesse");
        assertThat(c.warnings).isEmpty();
    }

    @Test
    void squadPaperHas10PagesInEnglish() throws IOException {
        Collected c = Collected.read(RealFiles.doc("squad-1606.05250v3.pdf"));
        assertThat(c.single().language()).isEqualTo(Language.ENGLISH);
        assertThat(c.single().title()).isEqualTo("squad-1606.05250v3"); // no Title in the info dictionary
        assertThat(c.singleSections()).extracting(Section::page)
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 10).boxed().toList());
        assertThat(c.singleSections().get(0).text())
                .startsWith("SQuAD: 100,000+ Questions for Machine Comprehension of Text")
                .contains("We present the Stanford Question Answering\nDataset"); // "Answer-" / "ing" rejoined
    }

    @Test
    void realPdfsLoseTheirLineEndHyphenSplitsAndRunningLines() throws IOException {
        java.util.regex.Pattern split = java.util.regex.Pattern.compile("\\p{L}-\n\\p{Ll}");
        // plain PDFBox leaves 180 "Answer-⏎ing" splits in the SQuAD paper (docs/BENCHMARKS.md "PDF clean-up")
        for (Section s : Collected.read(RealFiles.doc("squad-1606.05250v3.pdf")).singleSections()) {
            assertThat(split.matcher(s.text()).find()).as("page " + s.page()).isFalse();
        }
        // the LGPD print repeats its browser header and footer (URL, "n/26") on all 26 pages
        for (Section s : Collected.read(RealFiles.doc("lgpd-lei-13709-2018.pdf")).singleSections()) {
            assertThat(s.text()).as("page " + s.page()).doesNotContain("www.planalto.gov.br/ccivil_03")
                    .doesNotContain("29/05/24, 14:47 L13709");
        }
    }

    @Test
    void truncatedPdfIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(RealFiles.doc("squad-1606.05250v3.pdf"));
        Path file = Files.write(dir.resolve("truncated.pdf"), Arrays.copyOf(whole, 2000));
        Collected c = new Collected();
        assertThatThrownBy(() -> DocumentReaders.read(dir, file, c))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.CORRUPT))
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("damaged or truncated");
        assertThat(c.events).isEmpty();
    }

    @Test
    void pdfCutInHalfLosesItsPagesAndIsCorrupt() throws IOException {
        byte[] whole = Files.readAllBytes(RealFiles.doc("squad-1606.05250v3.pdf"));
        Path file = Files.write(dir.resolve("half.pdf"), Arrays.copyOf(whole, whole.length / 2));
        Collected c = new Collected();
        assertThatThrownBy(() -> DocumentReaders.read(dir, file, c))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.CORRUPT))
                .hasMessageContaining("does not end with %%EOF");
        assertThat(c.events).isEmpty();
    }

    @Test
    void pdfMissingOnlyItsEofMarkerIsReadWithATruncationWarning() throws IOException {
        Path whole = writeSample(dir);
        byte[] bytes = Files.readAllBytes(whole);
        String tail = new String(bytes, bytes.length - 16, 16, java.nio.charset.StandardCharsets.ISO_8859_1);
        int eof = tail.lastIndexOf("%%EOF");
        assertThat(eof).isNotNegative();
        Path file = Files.write(dir.resolve("cut.pdf"), Arrays.copyOf(bytes, bytes.length - 16 + eof));
        Collected c = Collected.read(file);
        assertThat(c.text()).contains(SENTENCE);
        assertThat(c.warnings).singleElement().asString().startsWith(file.toString()).contains("does not end with %%EOF");
    }

    @Test
    void notAPdfAtAllIsCorrupt() throws IOException {
        Path file = Files.writeString(dir.resolve("fake.pdf"), "this is plain text pretending to be a PDF\n");
        assertThatThrownBy(() -> Collected.read(file)).isInstanceOfSatisfying(DocumentException.class,
                e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.CORRUPT));
    }

    @Test
    void userPasswordPdfIsEncryptedWithTheQpdfHint() throws IOException {
        Path file = writeEncrypted(dir.resolve("secret.pdf"));
        assertThatThrownBy(() -> Collected.read(file))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.ENCRYPTED))
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("encrypted; decrypt it first (qpdf --decrypt");
    }

    @Test
    void imageOnlyPdfHasNoTextLayerAndAsksForOcr() throws IOException {
        Path file = writeImageOnly(dir.resolve("scan.pdf"));
        Collected c = new Collected();
        assertThatThrownBy(() -> DocumentReaders.read(dir, file, c))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.NO_TEXT))
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("no text layer").hasMessageContaining("OCR it first");
        assertThat(c.events).isEmpty();
    }

    @Test
    void blankPagesInsideATextPdfAreSkippedWithOneWarning() throws IOException {
        Path file = dir.resolve("mixed.pdf");
        try (PDDocument pdf = textPdf("First page text.", "Third page text.")) {
            pdf.getPages().insertBefore(new PDPage(), pdf.getPage(1));
            pdf.save(file.toFile());
        }
        Collected c = Collected.read(file);
        assertThat(c.singleSections()).extracting(Section::page).containsExactly(1, 3);
        assertThat(c.singleSections().get(1).text().strip()).isEqualTo("Third page text.");
        assertThat(c.warnings).singleElement().asString().contains("page(s) [2] of 3");
    }
}
