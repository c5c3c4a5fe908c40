package dev.ragtune.app.api;

/**
 * An ingested file as {@code GET /api/documents} lists it.
 *
 * @param id        stable id of the source (for {@code DELETE /api/documents/{id}})
 * @param source    the source key (absolute path)
 * @param name      its file name
 * @param documents documents it gave (one, or many for JSONL)
 * @param chunks    chunks it gave
 * @param url       where the stored file is served (absent when the server cannot read it)
 */
public record DocumentInfo(String id, String source, String name, int documents, int chunks, long bytes,
                           String ingestedAt, String url) {}
