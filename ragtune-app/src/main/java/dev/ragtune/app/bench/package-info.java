/**
 * Benchmarks as picocli commands: each runs ragtune beside the tool it must beat in one process, prints throughput
 * next to the quality it buys (recall, cosine, ids) and the machine load. Never used by the library modules.
 */
package dev.ragtune.app.bench;
