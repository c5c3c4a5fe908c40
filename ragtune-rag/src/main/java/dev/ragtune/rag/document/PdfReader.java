package dev.ragtune.rag.document;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.IOUtils;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.pdfbox.text.TextPosition;

/**
 * PDF text layers, extracted page by page with PDFBox; one section per page (page numbers 1-based, offsets within
 * the page's extracted text). Title: the info dictionary's Title, else the file name.
 *
 * <p>Refuses password-protected files ({@link DocumentException.Reason#ENCRYPTED}), damaged ones
 * ({@link DocumentException.Reason#CORRUPT}) and files with no text on any page
 * ({@link DocumentException.Reason#NO_TEXT}, scans that need OCR). Pages without text in an otherwise readable file
 * are skipped with one warning listing them. A file without the final {@code %%EOF} marker is read leniently with a
 * warning, or refused as CORRUPT when nothing could be read from it.
 *
 * <p>The text is cleaned before it is chunked ({@link PdfPageCleanup}): running headers and footers and page
 * numbers are dropped, words hyphenated at line ends are rejoined, table rows carry their column header; text that
 * is not upright (arXiv's rotated margin stamp, rotated axis labels) is left out.
 *
 * <p>Sharp edge: PDFBox keeps the document structure in memory; scratch buffers go to temp files. The extracted text
 * of all pages is held until the end (headers and footers are known only over the whole document): about 3 KB a page.
 */
final class PdfReader implements DocumentReader {
    private static final Set<String> EXTENSIONS = Set.of("pdf");

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public void read(Path file, String documentId, DocumentVisitor visitor) throws IOException {
        String name = file.toString();
        if (Files.size(file) == 0) throw new DocumentException(DocumentException.Reason.EMPTY, name, "empty file, skipped");
        try (PDDocument pdf = load(file)) {
            int pages = pdf.getNumberOfPages();
            if (pages == 0) {
                throw new DocumentException(DocumentException.Reason.CORRUPT, name,
                        "no pages; the file is damaged or truncated: download it again or repair it (qpdf in.pdf out.pdf)");
            }
            PDFTextStripper stripper = new UprightTextStripper();
            stripper.setLineSeparator("\n");
            stripper.setSortByPosition(false);

            List<Integer> pageNumbers = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            List<Integer> blankPages = new ArrayList<>();
            for (int page = 1; page <= pages; page++) {
                String text;
                try {
                    stripper.setStartPage(page);
                    stripper.setEndPage(page);
                    text = stripper.getText(pdf);
                } catch (IOException | RuntimeException e) {
                    visitor.warning(name, "page " + page + ": text extraction failed (" + e.getMessage() + "); page skipped");
                    continue;
                }
                if (text.isBlank()) {
                    blankPages.add(page);
                    continue;
                }
                pageNumbers.add(page);
                texts.add(text);
            }
            List<String> cleaned = new PdfPageCleanup().clean(texts);
            Document doc = null;
            StringBuilder sample = new StringBuilder();
            for (String text : cleaned) {
                if (sample.length() >= LanguageGuess.SAMPLE_CHARS) break;
                sample.append(text, 0, Math.min(text.length(), LanguageGuess.SAMPLE_CHARS - sample.length()));
            }
            for (int i = 0; i < cleaned.size(); i++) {
                if (cleaned.get(i).isBlank()) continue; // only a header, footer or page number
                if (doc == null) doc = start(pdf, file, documentId, sample, visitor);
                visitor.section(new Section(pageNumbers.get(i), 0, cleaned.get(i)));
            }
            boolean truncated = !endsWithEofMarker(file);
            if (doc == null && truncated) {
                throw new DocumentException(DocumentException.Reason.CORRUPT, name, "no text could be read and the "
                        + "file does not end with %%EOF: it is damaged or truncated; download it again");
            }
            if (doc == null) {
                throw new DocumentException(DocumentException.Reason.NO_TEXT, name, "no text layer on any of its "
                        + pages + " pages (scanned images?): OCR it first, e.g. ocrmypdf in.pdf out.pdf");
            }
            if (!blankPages.isEmpty()) {
                visitor.warning(name, "no text layer on page(s) " + blankPages + " of " + pages
                        + "; their content is not indexed (OCR the file to include it)");
            }
            if (truncated) {
                visitor.warning(name, "does not end with %%EOF (truncated download?); read " + pages
                        + " page(s) leniently, some content may be missing");
            }
            visitor.endDocument(doc);
        }
    }

    /** Extracts only upright text: rotated glyphs (margin stamps, vertical labels) are skipped. */
    static final class UprightTextStripper extends PDFTextStripper {
        @Override
        protected void processTextPosition(TextPosition text) {
            if (text.getDir() == 0) super.processTextPosition(text);
        }
    }

    /** True when the last KiB holds the {@code %%EOF} marker that ends every complete PDF. */
    private static boolean endsWithEofMarker(Path file) throws IOException {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            int n = (int) Math.min(1024, size);
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(n);
            ch.position(size - n);
            while (tail.hasRemaining() && ch.read(tail) >= 0) {
                // fill
            }
            return new String(tail.array(), 0, tail.position(), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .contains("%%EOF");
        }
    }

    private static PDDocument load(Path file) throws IOException {
        String name = file.toString();
        try {
            return Loader.loadPDF(file.toFile(), "", IOUtils.createTempFileOnlyStreamCache());
        } catch (InvalidPasswordException e) {
            throw new DocumentException(DocumentException.Reason.ENCRYPTED, name,
                    "encrypted; decrypt it first (qpdf --decrypt --password=PASSWORD in.pdf out.pdf)", e);
        } catch (IOException e) {
            throw new DocumentException(DocumentException.Reason.CORRUPT, name, "not a readable PDF ("
                    + e.getMessage() + "); it is damaged or truncated: download it again or repair it "
                    + "(qpdf in.pdf out.pdf)", e);
        }
    }

    private static Document start(PDDocument pdf, Path file, String documentId, CharSequence sample,
            DocumentVisitor visitor) throws IOException {
        PDDocumentInformation info = pdf.getDocumentInformation();
        String title = info == null || info.getTitle() == null || info.getTitle().isBlank()
                ? TextBlocks.baseName(file) : info.getTitle().strip();
        Document doc = new Document(documentId, file.toString(), title, LanguageGuess.of(sample),
                Map.of("format", "pdf", "pages", Integer.toString(pdf.getNumberOfPages())));
        visitor.startDocument(doc);
        return doc;
    }
}
