/**
 * The {@code ragtune} application: the CLI entry point that wires ragtune-model and ragtune-rag together.
 * Library code never depends on this module.
 */
package dev.ragtune.app;
