package dev.ragtune.app.api;

/**
 * {@code GET /api/health}: the server is up and what it serves.
 *
 * @param collection  where the collection lives (a folder or a URI)
 * @param chunks      live chunks of the generation being served
 * @param generator   what answers with retrieval
 * @param noRag       true when a generative model is loaded, so no-RAG answers can be compared
 * @param auth        true when API calls need {@code Authorization: Bearer}
 * @param limits      the bounds requests must stay within
 */
public record Health(String status, String collection, int chunks, String generator, boolean noRag, boolean auth,
                     Limits limits) {}
