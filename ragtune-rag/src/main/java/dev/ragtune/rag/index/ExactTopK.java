package dev.ragtune.rag.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One exact top-k search over one or more {@link ScanStore}s: an approximate scan that keeps every vector whose score
 * could still be among the k best (by the {@link ExactRescorer} error bound), then a double-precision rescoring of
 * those candidates. The result equals an exhaustive search in double precision with ties broken by smaller id.
 * Created per query; not shared between threads.
 */
final class ExactTopK {
    private final int k;
    private final float[] query;
    private final double queryNorm;
    private final TopDoubles lowerBounds;
    private final List<ScanStore> sources = new ArrayList<>();
    private int[] candSource = new int[64];
    private int[] candSlot = new int[64];
    private int[] candId = new int[64];
    private double[] candUpper = new double[64];
    private int candidates;
    private float[] acc = new float[0];

    ExactTopK(int k, float[] query) {
        this.k = k;
        this.query = query;
        this.queryNorm = ExactRescorer.norm(query);
        this.lowerBounds = new TopDoubles(k);
    }

    /**
     * Scans every vector of {@code blocks}. {@code ids[slot]} is the id of a slot, {@code deleted} (may be null)
     * marks removed slots.
     */
    void scan(ScanStore blocks, int[] ids, boolean[] deleted) {
        int src = source(blocks);
        if (acc.length < blocks.blockSize()) acc = new float[blocks.blockSize()];
        for (int b = 0, nb = blocks.blockCount(); b < nb; b++) {
            blocks.scoreBlock(b, query, acc);
            accept(src, blocks, b, acc, ids, deleted);
        }
    }

    /** Registers a store this search will {@link #accept} scores of; returns its number. */
    int source(ScanStore blocks) {
        sources.add(blocks);
        return sources.size() - 1;
    }

    /**
     * Takes the approximate scores {@code acc} of this query against block {@code block} of source {@code src}
     * (as {@link ScanStore#scoreBlock} or {@link ScanStore#scoreBlockGroup} wrote them) and keeps every live vector
     * that could still be among the k best.
     */
    void accept(int src, ScanStore blocks, int block, float[] acc, int[] ids, boolean[] deleted) {
        int bs = blocks.blockSize();
        int base = block * bs;
        int lanes = Math.min(bs, blocks.size() - base);
        double threshold = lowerBounds.threshold();
        for (int v = 0; v < lanes; v++) {
            int slot = base + v;
            double f = acc[v];
            double e = queryNorm * blocks.errorCoef(slot);
            if (f + e >= threshold && (deleted == null || !deleted[slot])) {
                addCandidate(src, slot, ids[slot], f + e);
                lowerBounds.offer(f - e);
                threshold = lowerBounds.threshold();
            }
        }
    }

    private void addCandidate(int src, int slot, int id, double upper) {
        if (candidates == candSlot.length) {
            int cap = candidates * 2;
            candSource = Arrays.copyOf(candSource, cap);
            candSlot = Arrays.copyOf(candSlot, cap);
            candId = Arrays.copyOf(candId, cap);
            candUpper = Arrays.copyOf(candUpper, cap);
        }
        candSource[candidates] = src;
        candSlot[candidates] = slot;
        candId[candidates] = id;
        candUpper[candidates] = upper;
        candidates++;
    }

    /** Rescored exact top k, best first, ties by smaller id. */
    List<Neighbor> result() {
        double threshold = lowerBounds.threshold();
        int m = 0;
        int[] ids = new int[candidates];
        double[] exact = new double[candidates];
        for (int c = 0; c < candidates; c++) {
            if (candUpper[c] >= threshold) {
                ids[m] = candId[c];
                exact[m] = sources.get(candSource[c]).dotExact(query, candSlot[c]);
                m++;
            }
        }
        return ExactRescorer.best(k, m, exact, ids);
    }
}
