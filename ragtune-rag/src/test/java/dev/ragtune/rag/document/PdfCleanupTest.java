package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.pdfbox.util.Matrix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PDF reader's clean-up on a paper made here with PDFBox: five pages of two columns, each with a running header,
 * a "Voltar ao sumário" footer and a page number, words hyphenated at line ends, arXiv's rotated margin stamp on
 * page 1, and a table of numbers under its column header on page 3.
 */
class PdfCleanupTest {
    @TempDir
    Path dir;

    static final PDType1Font FONT = new PDType1Font(Standard14Fonts.FontName.HELVETICA);

    static void lines(PDPageContentStream cs, float x, float y, List<String> lines) throws IOException {
        cs.beginText();
        cs.setFont(FONT, 10);
        cs.setLeading(12);
        cs.newLineAtOffset(x, y);
        for (String l : lines) {
            cs.showText(l);
            cs.newLine();
        }
        cs.endText();
    }

    Path paper() throws IOException {
        Path file = dir.resolve("paper.pdf");
        try (PDDocument pdf = new PDDocument()) {
            for (int p = 1; p <= 5; p++) {
                PDPage page = new PDPage();
                pdf.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(pdf, page)) {
                    lines(cs, 50, 760, List.of("Journal of Synthetic Tests, Vol. 7"));
                    List<String> left = p == 1
                            ? List.of("A Consti-", "tuição foi promulgada em 1988.", "O modelo pré-", "treinado é usado.",
                                    "We use sentence-", "transformers here.")
                            : List.of("Left column of page " + p + ".", "A constituição garante direitos.",
                                    "O modelo pré-treinado ajuda.");
                    List<String> right = p == 1
                            ? List.of("Right column text.", "The sentence encoder", "and the transformers library.")
                            : List.of("Right column of page " + p + ".", "More text follows here.");
                    lines(cs, 50, 700, left);
                    lines(cs, 320, 700, right);
                    if (p == 3) {
                        lines(cs, 50, 500, List.of("Model Params F1", "BERT 110 88.5", "T5 220 90.1", "Done with the table."));
                    }
                    lines(cs, 50, 60, List.of("Voltar ao sumário"));
                    lines(cs, 300, 40, List.of(String.valueOf(p)));
                    if (p == 1) {
                        cs.beginText();
                        cs.setFont(FONT, 14);
                        cs.setTextMatrix(Matrix.getRotateInstance(Math.PI / 2, 20, 200));
                        cs.showText("arXiv:1908.10084v1 [cs.CL] 27 Aug 2019");
                        cs.endText();
                    }
                }
            }
            pdf.save(file.toFile());
        }
        return file;
    }

    @Test
    void runningHeadersFootersAndPageNumbersAreDropped() throws IOException {
        Collected c = Collected.read(paper());
        assertThat(c.singleSections()).hasSize(5);
        for (Section s : c.singleSections()) {
            assertThat(s.text()).doesNotContain("Journal of Synthetic Tests").doesNotContain("Voltar ao sumário");
            assertThat(s.text().strip().lines()).noneMatch(l -> l.strip().matches("\\d+"));
        }
    }

    @Test
    void lineEndHyphensAreRejoinedByTheDocumentsVocabularyAndRealHyphensKept() throws IOException {
        String page1 = Collected.read(paper()).singleSections().get(0).text();
        assertThat(page1).contains("A Constituição\nfoi promulgada") // "constituição" is written on other pages
                .contains("O modelo pré-treinado\né usado") // "pré-treinado" is written on other pages
                .contains("We use sentence-transformers\nhere") // both halves are words of the document
                .doesNotContain("Consti-");
    }

    @Test
    void rotatedMarginTextIsLeftOutAndColumnsStayWhole() throws IOException {
        String page1 = Collected.read(paper()).singleSections().get(0).text();
        assertThat(page1).doesNotContain("arXiv").doesNotContain("cs.CL");
        // the left column comes whole before the right one (content order, not interleaved by position)
        assertThat(page1.indexOf("here.")).isLessThan(page1.indexOf("Right column text."));
    }

    @Test
    void tableRowsCarryTheirColumnHeader() throws IOException {
        String page3 = Collected.read(paper()).singleSections().get(2).text();
        assertThat(page3).contains("Model Params F1: BERT 110 88.5").contains("Model Params F1: T5 220 90.1")
                .contains("Done with the table.");
    }

    @Test
    void theCleanupCountsWhatItChanged() {
        PdfPageCleanup cleanup = new PdfPageCleanup();
        List<String> pages = List.of("Header\nThe in-\nput is long.\n1", "Header\nThe input is short.\n2",
                "Header\nNo more input.\n3");
        List<String> out = cleanup.clean(pages);
        assertThat(out).containsExactly("The input\nis long.", "The input is short.", "No more input.");
        // the page numbers repeat digits aside ("#"), so they count as a running footer with the header
        assertThat(cleanup.counts()).isEqualTo(new PdfPageCleanup.Counts(6, 0, 1, 0, 0));
    }
}
