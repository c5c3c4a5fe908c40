/**
 * Downloading model snapshots from the Hugging Face hub (or a mirror) into ragtune's local cache, and finding them
 * again: {@link dev.ragtune.model.hub.SnapshotDownloader}, {@link dev.ragtune.model.hub.ModelLocator}.
 * Plain JDK HTTP and file IO only: must not depend on DJL, on the T5 code, or on anything of RAG.
 */
package dev.ragtune.model.hub;
