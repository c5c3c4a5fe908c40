package dev.ragtune.rag.document;

import java.util.Objects;

/**
 * A passage of a document, the unit that is embedded, indexed, retrieved and cited.
 *
 * @param id     stable id {@code <docId>#<n>}, n counting from 0 in document order
 * @param docId  id of the document the chunk comes from
 * @param source where the document came from (a file path as given, or the JSONL {@code source} field)
 * @param page   1-based page number for paged formats (PDF); 0 when the format has no pages
 * @param start  offset of the first character of {@link #text} in the page's text (or the document's, when unpaged)
 * @param end    offset one past the last character; {@code end - start == text.length()}
 * @param title  the document's title, or an empty string
 * @param text   the passage itself
 */
public record Chunk(String id, String docId, String source, int page, int start, int end, String title, String text) {
    public Chunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(docId, "docId");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(text, "text");
        title = title == null ? "" : title;
        if (page < 0) throw new IllegalArgumentException("page must be >= 0, was " + page);
        if (start < 0 || end < start) throw new IllegalArgumentException("bad offsets [" + start + ", " + end + ")");
    }
}
