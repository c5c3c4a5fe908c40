/**
 * picocli commands of the {@code ragtune} CLI (e.g. {@code ragtune model pull|list|path}). Thin: parse options, call
 * ragtune-model / ragtune-rag, print results and clear errors. No model or retrieval logic lives here.
 */
package dev.ragtune.app.cli;
