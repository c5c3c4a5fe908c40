package dev.ragtune.rag.retrieve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Offset.offset;

import dev.ragtune.rag.index.Neighbor;
import java.util.List;
import org.junit.jupiter.api.Test;

class HybridFusionTest {
    private static final List<Neighbor> DENSE = List.of(new Neighbor(1, 0.8f), new Neighbor(2, 0.6f));
    private static final List<Neighbor> BM25 = List.of(new Neighbor(2, 10f), new Neighbor(3, 5f));

    @Test
    void convexCombinationOfCosineAndMaxNormalizedBm25MatchesHandComputedScores() {
        // id 1: .5*.8 + .5*0      = .40
        // id 2: .5*.6 + .5*10/10  = .80
        // id 3: .5*.4 + .5*5/10   = .45  (dense score .4 supplied by the exact-score function)
        List<Neighbor> fused = new HybridFusion(0.5).fuse(DENSE, BM25, 10, id -> id == 3 ? 0.4 : Double.NaN);
        assertThat(fused).extracting(Neighbor::id).containsExactly(2, 3, 1);
        assertThat(fused.get(0).score()).isCloseTo(0.80f, offset(1e-6f));
        assertThat(fused.get(1).score()).isCloseTo(0.45f, offset(1e-6f));
        assertThat(fused.get(2).score()).isCloseTo(0.40f, offset(1e-6f));
    }

    @Test
    void weightMovesTheRankingBetweenTheTwoSides() {
        // w = .9: id1 .72, id2 .54+.1 = .64, id3 .36+.05 = .41 -> dense order wins
        assertThat(new HybridFusion(0.9).fuse(DENSE, BM25, 3, id -> 0.4)).extracting(Neighbor::id)
                .containsExactly(1, 2, 3);
        // w = 0: pure normalized BM25; id 1 has 0
        assertThat(new HybridFusion(0).fuse(DENSE, BM25, 3, null)).extracting(Neighbor::id).containsExactly(2, 3, 1);
    }

    @Test
    void missingDenseScoreFallsBackToTheDenseListsLowestScore() {
        // no function: id 3 gets dense .6 (lowest retrieved) -> .5*.6 + .5*.5 = .55
        List<Neighbor> fused = new HybridFusion(0.5).fuse(DENSE, BM25, 10, null);
        assertThat(fused).extracting(Neighbor::id).containsExactly(2, 3, 1);
        assertThat(fused.get(1).score()).isCloseTo(0.55f, offset(1e-6f));
    }

    @Test
    void equalFusedScoresAreOrderedBySmallerIdAndTruncatedToK() {
        List<Neighbor> dense = List.of(new Neighbor(9, 0.5f), new Neighbor(4, 0.5f), new Neighbor(6, 0.5f));
        List<Neighbor> fused = new HybridFusion(0.5).fuse(dense, List.of(), 2, null);
        assertThat(fused).extracting(Neighbor::id).containsExactly(4, 6);
    }

    @Test
    void emptyInputsAndBadArguments() {
        assertThat(new HybridFusion(0.5).fuse(List.of(), List.of(), 5, null)).isEmpty();
        assertThat(new HybridFusion(0.5).fuse(List.of(), BM25, 5, null)).extracting(Neighbor::id).containsExactly(2, 3);
        assertThatThrownBy(() -> new HybridFusion(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HybridFusion(0.5).fuse(DENSE, BM25, 0, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(HybridFusion.candidatesFor(3)).isEqualTo(50);
        assertThat(HybridFusion.candidatesFor(20)).isEqualTo(100);
    }

    @Test
    void reciprocalRankFusionAddsOneOverKPlusRankFromEachList() {
        // dense ranks: 1 → id1, 2 → id2 (by score); BM25 ranks: 1 → id2, 2 → id3
        List<Neighbor> dense = List.of(new Neighbor(2, 0.5f), new Neighbor(1, 0.9f));
        List<Neighbor> bm25 = List.of(new Neighbor(2, 7f), new Neighbor(3, 3f));
        List<Neighbor> fused = HybridFusion.rrf(60).fuse(dense, bm25, 10, null);
        assertThat(fused).extracting(Neighbor::id).containsExactly(2, 1, 3);
        assertThat(fused.get(0).score()).isCloseTo((float) (1.0 / 62 + 1.0 / 61), within(1e-7f));
        assertThat(fused.get(1).score()).isCloseTo((float) (1.0 / 61), within(1e-7f));
        assertThat(fused.get(2).score()).isCloseTo((float) (1.0 / 62), within(1e-7f));
    }

    @Test
    void parseReadsConvexAndRrfAndRejectsAnythingElseNamingBothForms() {
        assertThat(HybridFusion.parse("convex:0.5")).isEqualTo(HybridFusion.convex(0.5)).isEqualTo(new HybridFusion(0.5));
        assertThat(HybridFusion.parse(" RRF:60 ")).isEqualTo(HybridFusion.rrf(60));
        assertThat(HybridFusion.parse("convex:1").label()).isEqualTo("convex:1.0");
        assertThat(HybridFusion.rrf(30).label()).isEqualTo("rrf:30");
        assertThat(HybridFusion.parse(HybridFusion.DEFAULT.label())).isEqualTo(HybridFusion.DEFAULT);
        for (String bad : List.of("0.5", "convex:1.5", "convex:x", "rrf:0", "rrf:2.5", "mean:3", "")) {
            assertThatThrownBy(() -> HybridFusion.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("convex:W").hasMessageContaining("rrf:K");
        }
    }
}
