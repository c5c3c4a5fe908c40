/**
 * The picocli commands of the {@code ragtune} CLI. Commands parse and print; the work lives in ragtune-rag and
 * ragtune-model. No command depends on another's internals.
 */
package dev.ragtune.app.cli;
