package dev.ragtune.rag.document;

import java.util.Objects;

/**
 * A contiguous piece of a document's extracted text, as a reader hands it out: a whole PDF page, or a block of
 * about {@value TextBlocks#BLOCK_CHARS} characters of an unpaged document cut at a paragraph or sentence boundary.
 *
 * <p>Chunks never cross a section, so readers cut only where a passage may end.
 *
 * @param page   1-based page number for paged formats (PDF); 0 when the format has no pages
 * @param offset offset of {@code text} in the page's extracted text (paged) or the document's extracted text
 *               (unpaged); a chunk's {@link Chunk#start()} is {@code offset} plus its offset within {@code text}
 * @param text   the extracted text, never null
 */
public record Section(int page, int offset, String text) {
    public Section {
        Objects.requireNonNull(text, "text");
        if (page < 0) throw new IllegalArgumentException("page must be >= 0, was " + page);
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, was " + offset);
    }
}
