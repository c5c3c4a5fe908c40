package dev.ragtune.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.ragtune.model.Golden;
import dev.ragtune.model.data.BatchOrder;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.lora.LoraConfig;
import dev.ragtune.model.t5.T5Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bf16 autocast training on the tiny random T5 learns the key → value task as fp32 does (loss curve within a small
 * tolerance, same exact match), writes an adapter that loads, and a checkpoint of one precision does not resume at
 * the other.
 */
class Bf16TrainingTest {
    private static final List<String> ALL_LINEARS = List.of("q", "k", "v", "o", "wi_0", "wi_1", "wo");

    private record Run(List<Double> stepLosses, EvalResult start, EvalResult end) { }

    private static Run train(Precision precision, Path out) {
        List<TokenizedExample> train = LoraTrainingTest.task(64, 1);
        List<TokenizedExample> val = LoraTrainingTest.task(16, 2);
        TrainingConfig cfg = new TrainingConfig(6, 8, 1e-2, 1, 1.0, 0.1, 0.0, 7, 1000,
                BatchOrder.Mode.GROUP_BY_LENGTH, 3, precision);
        List<Double> losses = new ArrayList<>();
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(8, 16, 0.0, ALL_LINEARS, "t5-tiny"), 3)) {
            EvalResult start = new Evaluator(model, new WordCodec(), 8, 3).evaluate(val);
            TrainingListener listener = new TrainingListener() {
                @Override
                public void onOptimizerStep(long step, double loss) {
                    losses.add(loss);
                }
            };
            TrainingResult result = new Trainer(adapter, cfg, new WordCodec(), listener).fit(train, val, out, false);
            return new Run(losses, start, result.validation().get(result.validation().size() - 1));
        }
    }

    @Test
    void bf16LowersTheLossLikeFp32AndWritesALoadableAdapter(@TempDir Path dir) {
        Run fp32 = train(Precision.FP32, dir.resolve("fp32"));
        Run bf16 = train(Precision.BF16, dir.resolve("bf16"));
        assertThat(bf16.stepLosses()).hasSameSizeAs(fp32.stepLosses());
        assertThat(bf16.stepLosses()).as("bf16 matmuls round differently").isNotEqualTo(fp32.stepLosses());
        // same weights at step 1: only bf16 rounding of the matmuls differs (8-bit mantissa: ~0.4% per product)
        assertThat(bf16.stepLosses().get(0)).isCloseTo(fp32.stepLosses().get(0),
                org.assertj.core.data.Offset.offset(0.02 * fp32.stepLosses().get(0)));
        assertThat(bf16.end().loss()).as("bf16 validation loss %s -> %s", bf16.start().loss(), bf16.end().loss())
                .isLessThan(bf16.start().loss() * 0.3);
        assertThat(Math.abs(bf16.end().loss() - fp32.end().loss())).as("final validation loss bf16 %s vs fp32 %s",
                bf16.end().loss(), fp32.end().loss()).isLessThan(0.1);
        // the quality bar, on this task's held-out examples: F1 and exact match within 1 point of fp32
        assertThat(bf16.end().f1()).as("held-out F1 bf16 vs fp32").isCloseTo(fp32.end().f1(),
                org.assertj.core.data.Offset.offset(1.0));
        assertThat(bf16.end().exactMatch()).as("held-out EM bf16 vs fp32").isCloseTo(fp32.end().exactMatch(),
                org.assertj.core.data.Offset.offset(1.0));
        assertThat(dir.resolve("bf16/adapter_model.safetensors")).exists();
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter loaded = LoraAdapter.load(model, dir.resolve("bf16"))) {
            assertThat(loaded.config().targetModules()).isEqualTo(ALL_LINEARS);
        }
    }

    @Test
    void resumingACheckpointAtAnotherPrecisionIsRefusedNamingThePrecisionOption(@TempDir Path out) throws Exception {
        List<TokenizedExample> train = LoraTrainingTest.task(16, 1);
        TrainingConfig fp32 = new TrainingConfig(1, 8, 1e-2, 1, 1.0, 0.0, 0.0, 7, 1000,
                BatchOrder.Mode.GROUP_BY_LENGTH, 0, Precision.FP32);
        try (T5Model model = T5Model.load(Golden.tinyModel(), Device.cpu());
             LoraAdapter adapter = LoraAdapter.create(model, LoraConfig.of(4, 8, 0.0, List.of("q", "v"), "t5-tiny"), 3)) {
            new Trainer(adapter, fp32, new WordCodec(), null).fit(train, List.of(), out, false);
            assertThat(Files.readString(out.resolve("checkpoint/trainer_state.json"))).contains("\"precision\" : \"fp32\"");
            Trainer bf16 = new Trainer(adapter, fp32.withPrecision(Precision.BF16), new WordCodec(), null);
            assertThatThrownBy(() -> bf16.fit(train, List.of(), out, true))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("--precision = fp32 but this run has bf16");
        }
    }

    @Test
    void cpuinfoFlagsDecideBf16Support(@TempDir Path dir) throws Exception {
        assertThat(Precision.cpuinfoHasBf16("processor\t: 0\nflags\t\t: fpu avx2 avx512f avx512_bf16 vaes\n")).isTrue();
        assertThat(Precision.cpuinfoHasBf16("flags\t\t: fpu avx2 amx_tile amx_bf16\n")).isTrue();
        assertThat(Precision.cpuinfoHasBf16("flags\t\t: fpu avx2 avx512f avx512_vnni\n")).isFalse();
        assertThat(Precision.cpuinfoHasBf16("model name\t: avx512_bf16 in the name only\nflags\t: fpu\n")).isFalse();
        Path noBf16 = Files.writeString(dir.resolve("cpuinfo"), "flags\t\t: fpu sse2 avx2\n");
        assertThatThrownBy(() -> Precision.requireBf16Cpu(noBf16)).hasMessageStartingWith("--precision bf16: this CPU lacks bf16");
        assertThatThrownBy(() -> Precision.parse("fp16")).hasMessage("--precision: expected fp32 or bf16, got 'fp16'");
        assertThat(Precision.parse("BF16")).isEqualTo(Precision.BF16);
    }
}
