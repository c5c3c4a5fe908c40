package dev.ragtune.model.t5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Hand-computed buckets of HF's _relative_position_bucket (32 buckets, max distance 128). */
class RelativePositionTest {
    @Test
    void bidirectionalExactAndLogBuckets() {
        // 16 buckets per direction, 8 exact; future positions offset by 16
        assertThat(RelativePosition.bucket(0, true, 32, 128)).isZero();
        assertThat(RelativePosition.bucket(-3, true, 32, 128)).isEqualTo(3);
        assertThat(RelativePosition.bucket(3, true, 32, 128)).isEqualTo(19);
        // 8 + floor(log(20/8)/log(128/8) * 8) = 8 + floor(0.3305 * 8) = 10
        assertThat(RelativePosition.bucket(-20, true, 32, 128)).isEqualTo(10);
        assertThat(RelativePosition.bucket(20, true, 32, 128)).isEqualTo(26);
        // beyond max distance: clipped to the last bucket of the side
        assertThat(RelativePosition.bucket(-500, true, 32, 128)).isEqualTo(15);
        assertThat(RelativePosition.bucket(500, true, 32, 128)).isEqualTo(31);
    }

    @Test
    void unidirectionalIgnoresTheFuture() {
        assertThat(RelativePosition.bucket(5, false, 32, 128)).isZero();
        assertThat(RelativePosition.bucket(-15, false, 32, 128)).isEqualTo(15);
        // 16 + floor(log(40/16)/log(128/16) * 16) = 16 + floor(0.4406 * 16) = 23
        assertThat(RelativePosition.bucket(-40, false, 32, 128)).isEqualTo(23);
        assertThat(RelativePosition.bucket(-1000, false, 32, 128)).isEqualTo(31);
    }
}
