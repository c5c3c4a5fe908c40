/**
 * Benchmarks as picocli commands: each prints throughput next to the quality it buys (recall, cosine, ids, loss) and
 * the machine load; with {@code --anchor PYTHON} the same workload on today's Python stack ({@code bench/python})
 * runs in the same command, interleaved round by round, and only ratios measured so are printed. Never used by the
 * library modules.
 */
package dev.ragtune.app.bench;
