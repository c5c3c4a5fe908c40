package dev.ragtune.rag.retrieve;

import dev.ragtune.rag.index.Neighbor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.IntToDoubleFunction;

/**
 * Fuses a dense (inner product / cosine) result list and a BM25 result list into one ranking, in one of two ways:
 * <ul>
 *   <li>{@code convex:W}: {@code W * dense + (1 - W) * bm25 / max(bm25)}, where max is the best BM25 score of the
 *       lexical list (so the BM25 side lies in [0, 1], like cosine for normalized vectors);</li>
 *   <li>{@code rrf:K}: reciprocal rank fusion, {@code sum over the lists of 1 / (K + rank)} (Cormack et al., 2009),
 *       which uses ranks only.</li>
 * </ul>
 *
 * <p>Candidates are the union of both lists. In convex fusion a candidate missing from the lexical list gets BM25 0
 * (it did not rank, so its score is at most the list's last one; 0 is the usual choice). A candidate missing from the
 * dense list gets its exact dense score from {@code denseScoreOf} when the caller can compute it (e.g. from stored
 * vectors); without it, or when it returns NaN, it gets the dense list's lowest score (an upper bound for anything
 * not retrieved). In RRF a list a candidate is missing from adds nothing. Ties are broken by smaller id. Pure: no
 * state, no I/O.
 *
 * @param kind        convex or RRF
 * @param denseWeight weight of the dense score in [0, 1] (convex; NaN for RRF)
 * @param rrfK        the K of RRF, at least 1 (0 for convex)
 */
public record HybridFusion(Kind kind, double denseWeight, int rrfK) {
    /** How the two lists are combined. */
    public enum Kind { CONVEX, RRF }

    /**
     * Convex fusion with dense weight 0.5, chosen by a grid ({@code ragtune bench fusion}) over convex weights 0.0-1.0
     * and RRF K 10-100 on three QA sets with all-MiniLM-L6-v2 and Lucene BM25: SQuAD v1.1 dev part 1 (1,000
     * questions), FaQuAD-pt train (837) and 16 questions written on four papers (PDF). nDCG@10 of 0.5: 0.892 / 0.934
     * / 0.820, the best mean (0.882; 0.3, the earlier default chosen on SQuAD and FaQuAD alone: 0.877) and at most
     * 0.004 below the best weight of any set (SQuAD 0.6: 0.896, FaQuAD 0.3: 0.938). RRF was 2-16 points lower
     * everywhere. The grid is in docs/BENCHMARKS.md.
     */
    public static final HybridFusion DEFAULT = convex(0.5);

    public HybridFusion {
        if (kind == null) throw new IllegalArgumentException("the fusion kind is missing: use convex:W or rrf:K");
        if (kind == Kind.CONVEX && !(denseWeight >= 0 && denseWeight <= 1)) {
            throw new IllegalArgumentException("the convex fusion's dense weight must be in [0, 1], was " + denseWeight);
        }
        if (kind == Kind.RRF && rrfK < 1) throw new IllegalArgumentException("the RRF k must be >= 1, was " + rrfK);
        if (kind == Kind.RRF) denseWeight = Double.NaN;
        else rrfK = 0;
    }

    /** Convex fusion with this dense weight (what earlier versions called {@code new HybridFusion(w)}). */
    public HybridFusion(double denseWeight) {
        this(Kind.CONVEX, denseWeight, 0);
    }

    public static HybridFusion convex(double denseWeight) {
        return new HybridFusion(Kind.CONVEX, denseWeight, 0);
    }

    public static HybridFusion rrf(int k) {
        return new HybridFusion(Kind.RRF, Double.NaN, k);
    }

    /**
     * Parses {@code convex:W} (W in [0, 1]) or {@code rrf:K} (K >= 1), any case; anything else is an error that shows
     * both forms.
     */
    public static HybridFusion parse(String text) {
        String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        int colon = s.indexOf(':');
        String usage = "; use convex:W with W in [0, 1] (the dense weight, e.g. convex:0.5) or rrf:K with K >= 1 "
                + "(e.g. rrf:60)";
        if (colon < 0) throw new IllegalArgumentException("unknown fusion '" + text + "'" + usage);
        String kind = s.substring(0, colon);
        String value = s.substring(colon + 1);
        try {
            return switch (kind) {
                case "convex" -> convex(Double.parseDouble(value));
                case "rrf" -> rrf(Integer.parseInt(value));
                default -> throw new IllegalArgumentException("unknown fusion kind '" + kind + "'" + usage);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fusion '" + text + "' has no number after the colon" + usage);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().contains(usage) ? e.getMessage() : e.getMessage() + usage);
        }
    }

    /** {@code convex:0.5} or {@code rrf:60}: what {@link #parse} reads back. */
    public String label() {
        return kind == Kind.RRF ? "rrf:" + rrfK : "convex:" + trim(denseWeight);
    }

    @Override
    public String toString() {
        return label();
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s + "0" : s;
    }

    /**
     * The exact dense score of a stored vector for {@code fuse}'s {@code denseScoreOf}: the inner product with the
     * query (cosine, both being normalized), or NaN when the vector is unknown (null).
     */
    public static double denseScore(float[] query, float[] stored) {
        if (stored == null) return Double.NaN;
        double s = 0;
        for (int i = 0; i < query.length; i++) s += query[i] * stored[i];
        return s;
    }

    /** How many results each side should return for a fused top k: {@code max(50, 5k)}. */
    public static int candidatesFor(int k) {
        return Math.max(50, 5 * k);
    }

    /**
     * The k best candidates by fused score, best first.
     *
     * @param dense        dense results, any order
     * @param lexical      BM25 results, any order
     * @param denseScoreOf exact dense score of an id (NaN if unknown), or null; convex fusion only
     */
    public List<Neighbor> fuse(List<Neighbor> dense, List<Neighbor> lexical, int k, IntToDoubleFunction denseScoreOf) {
        if (k <= 0) throw new IllegalArgumentException("k must be > 0, was " + k);
        List<Neighbor> fused = kind == Kind.RRF ? reciprocalRanks(dense, lexical) : convexScores(dense, lexical, denseScoreOf);
        fused.sort(Comparator.comparingDouble((Neighbor n) -> -n.score()).thenComparingInt(Neighbor::id));
        return fused.size() > k ? List.copyOf(fused.subList(0, k)) : fused;
    }

    private List<Neighbor> convexScores(List<Neighbor> dense, List<Neighbor> lexical, IntToDoubleFunction denseScoreOf) {
        Map<Integer, Double> denseScore = new HashMap<>();
        double denseMin = Double.POSITIVE_INFINITY;
        for (Neighbor n : dense) {
            denseScore.merge(n.id(), (double) n.score(), Math::max);
            denseMin = Math.min(denseMin, n.score());
        }
        Map<Integer, Double> lexScore = new HashMap<>();
        double lexMax = 0;
        for (Neighbor n : lexical) {
            lexScore.merge(n.id(), (double) n.score(), Math::max);
            lexMax = Math.max(lexMax, n.score());
        }
        Set<Integer> ids = new LinkedHashSet<>(denseScore.keySet());
        ids.addAll(lexScore.keySet());
        List<Neighbor> fused = new ArrayList<>(ids.size());
        for (int id : ids) {
            Double d = denseScore.get(id);
            double ds;
            if (d != null) {
                ds = d;
            } else {
                double exact = denseScoreOf == null ? Double.NaN : denseScoreOf.applyAsDouble(id);
                ds = Double.isNaN(exact) ? (dense.isEmpty() ? 0 : denseMin) : exact;
            }
            Double l = lexScore.get(id);
            double ls = l == null || lexMax <= 0 ? 0 : l / lexMax;
            fused.add(new Neighbor(id, (float) (denseWeight * ds + (1 - denseWeight) * ls)));
        }
        return fused;
    }

    private List<Neighbor> reciprocalRanks(List<Neighbor> dense, List<Neighbor> lexical) {
        Map<Integer, Double> score = new HashMap<>();
        for (List<Neighbor> list : List.of(dense, lexical)) {
            List<Neighbor> ranked = new ArrayList<>(list);
            ranked.sort(Comparator.comparingDouble((Neighbor n) -> -n.score()).thenComparingInt(Neighbor::id));
            Set<Integer> seen = new HashSet<>();
            int rank = 0;
            for (Neighbor n : ranked) {
                if (!seen.add(n.id())) continue; // a repeated id counts once, at its best rank
                rank++;
                score.merge(n.id(), 1.0 / (rrfK + rank), Double::sum);
            }
        }
        List<Neighbor> fused = new ArrayList<>(score.size());
        score.forEach((id, s) -> fused.add(new Neighbor(id, s.floatValue())));
        return fused;
    }
}
