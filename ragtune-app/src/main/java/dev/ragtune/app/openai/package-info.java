/**
 * The OpenAI-compatible {@code /v1} API of {@code ragtune serve}: wire records of OpenAI's JSON, and the routes
 * (models, chat completions with SSE streaming and citations, embeddings) registered on a given Javalin server.
 * It answers through rag's {@code AskPipeline} over a {@code Retriever}; it must not depend on app.web or on a backend.
 */
package dev.ragtune.app.openai;
