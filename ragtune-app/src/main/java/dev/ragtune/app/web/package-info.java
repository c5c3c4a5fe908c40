/**
 * The web page and HTTP API of {@code ragtune serve}: upload documents, ask, see the answer with its sources and
 * timings. Javalin over the same collection, ingestion and ask pipeline the CLI uses; no logic of its own.
 */
package dev.ragtune.app.web;
