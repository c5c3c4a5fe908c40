package dev.ragtune.app.openai;

import java.util.List;

/** The answer of {@code GET /v1/models}. */
record ModelList(String object, List<Model> data) {
    record Model(String id, String object, long created, String ownedBy) {}
}
