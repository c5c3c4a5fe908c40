package dev.ragtune.rag.document;

import java.util.Map;
import java.util.Objects;

/**
 * What a reader knows about one document before handing out its sections.
 *
 * @param id       stable id: the path relative to the ingest root with forward slashes ({@code papers/lora.pdf}),
 *                 or the JSONL line's {@code id}
 * @param source   where it came from: the file path as given, or the JSONL line's {@code source} field
 * @param title    the title from the document itself, else the file name; never null
 * @param language language guessed from the start of the text ({@link LanguageGuess})
 * @param metadata format-specific facts (e.g. {@code format}, {@code pages}, {@code charset}) and JSONL
 *                 {@code metadata}; immutable
 */
public record Document(String id, String source, String title, Language language, Map<String, String> metadata) {
    public Document {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) throw new IllegalArgumentException("document id must not be blank");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(language, "language");
        title = title == null ? "" : title.strip();
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
