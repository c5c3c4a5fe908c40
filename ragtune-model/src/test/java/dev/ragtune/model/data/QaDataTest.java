package dev.ragtune.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.model.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readers, slices, templates, truncation and batching on the real SQuAD v1.1 dev file and hand-made files. */
class QaDataTest {
    static Path squad() {
        return Golden.resource("squad-v1.1/dev-v1.1-part1.json");
    }

    @Test
    void squadReaderReadsEveryQuestionWithFirstAnswerAsTarget() {
        List<QaExample> all = QaDatasetReader.read(squad(), PromptTemplate.DEFAULT);
        assertThat(all).hasSize(5696);
        QaExample first = all.get(0);
        assertThat(first.id()).isEqualTo("56be4db0acb8001400a502ec");
        assertThat(first.prompt()).startsWith("Contexto: Super Bowl 50 was an American football game")
                .contains("\nPergunta: Which NFL team represented the AFC at Super Bowl 50?\n")
                .endsWith("Responda de forma objetiva:");
        assertThat(first.target()).isEqualTo("Denver Broncos");
        assertThat(first.answers()).hasSize(3);
    }

    @Test
    void splitSlicesFollowHuggingFaceSemantics() {
        List<QaExample> all = QaDatasetReader.read(squad(), PromptTemplate.DEFAULT);
        // 2% of 5696 = 113.92 -> 114 (closest)
        assertThat(QaDatasetReader.read(squad(), DataSlice.parse("validation[:2%]"), PromptTemplate.DEFAULT))
                .hasSize(114).first().isEqualTo(all.get(0));
        assertThat(DataSlice.parse("[100:200]").apply(all)).hasSize(100).first().isEqualTo(all.get(100));
        assertThat(DataSlice.parse("train[-10:]").apply(all)).hasSize(10).last().isEqualTo(all.get(5695));
        assertThat(DataSlice.parse("train[10%:20%]").range(5696)).containsExactly(570, 1139);
        assertThat(DataSlice.parse("train").apply(all)).hasSize(5696);
        // Python round() is half-to-even: 2.5% of 100 = 2.5 -> 2
        assertThat(DataSlice.parse("[:2.5%]").range(100)).containsExactly(0, 2);
        assertThatThrownBy(() -> DataSlice.parse("train[:x]")).hasMessageContaining("train[:x]");
    }

    @Test
    void missingSquadFieldIsNamedWithArticleParagraphAndQaIndex(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("bad.json");
        Files.writeString(f, "{\"data\":[{\"title\":\"a\",\"paragraphs\":[{\"context\":\"c\",\"qas\":[]},"
                + "{\"context\":\"c\",\"qas\":[{\"id\":\"1\",\"question\":\"q\",\"answers\":[{\"text\":\"x\"}]},"
                + "{\"id\":\"2\",\"answers\":[{\"text\":\"x\"}]}]}]}]}");
        assertThatThrownBy(() -> QaDatasetReader.read(f, PromptTemplate.DEFAULT))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("bad.json: data[0].paragraphs[1].qas[1] lacks the field 'question'");
    }

    @Test
    void emptyAnswerListIsRejectedNamingTheQuestion(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("v2.json");
        Files.writeString(f, "{\"data\":[{\"paragraphs\":[{\"context\":\"c\",\"qas\":[{\"id\":\"q7\","
                + "\"question\":\"q\",\"answers\":[]}]}]}]}");
        assertThatThrownBy(() -> QaDatasetReader.read(f, PromptTemplate.DEFAULT))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("data[0].paragraphs[0].qas[0] (id q7) has an empty 'answers' list");
    }

    @Test
    void jsonlAcceptsPromptAnswerAndContextQuestionAnswers(@TempDir Path tmp) throws IOException {
        Path f = tmp.resolve("d.jsonl");
        Files.writeString(f, "{\"prompt\":\"P1\",\"answer\":\"A1\"}\n\n"
                + "{\"context\":\"C\",\"question\":\"Q\",\"answers\":{\"text\":[\"A2\",\"B2\"]}}\n"
                + "{\"context\":\"C\",\"question\":\"Q\",\"answers\":[{\"text\":\"A3\"}]}\n");
        List<QaExample> ex = QaDatasetReader.read(f, new PromptTemplate("{question} | {context}"));
        assertThat(ex).extracting(QaExample::prompt).containsExactly("P1", "Q | C", "Q | C");
        assertThat(ex.get(1).answers()).containsExactly("A2", "B2");
        assertThat(ex.get(2).target()).isEqualTo("A3");
        Files.writeString(f, "{\"prompt\":\"P1\",\"answer\":\"A1\"}\n{\"prompt\":\"P2\"}\n");
        assertThatThrownBy(() -> QaDatasetReader.read(f, PromptTemplate.DEFAULT))
                .hasMessageContaining("d.jsonl line 2 lacks the field 'answer'");
    }

    /** ids = one per character + EOS, so lengths are easy to reason about. */
    static final TextCodec CHARS = new TextCodec() {
        @Override
        public long[] encode(String text) {
            long[] ids = new long[text.length() + 1];
            for (int i = 0; i < text.length(); i++) {
                ids[i] = 100 + text.charAt(i) % 300;
            }
            ids[text.length()] = 1;
            return ids;
        }

        @Override
        public String decode(long[] ids) {
            return "";
        }
    };

    @Test
    void longPromptsAreTruncatedKeepingEosAndCounted() {
        List<QaExample> ex = List.of(new QaExample("a", "abcdefghij", List.of("xy")),
                new QaExample("b", "abc", List.of("xyz0123456789")), new QaExample("c", "abcdefghijklm", List.of("x")));
        ExampleEncoder.Encoded enc = new ExampleEncoder(CHARS, 6, 4, 1).encode(ex, "test");
        assertThat(enc.truncatedSources()).isEqualTo(2);
        assertThat(enc.truncatedTargets()).isEqualTo(1);
        assertThat(enc.examples().get(0).source()).containsExactly(CHARS.encode("abcde")[0], CHARS.encode("b")[0],
                CHARS.encode("c")[0], CHARS.encode("d")[0], CHARS.encode("e")[0], 1);
        assertThat(enc.examples().get(1).source()).containsExactly(CHARS.encode("abc"));
        assertThat(enc.examples().get(1).target()).hasSize(4).endsWith(1);
    }

    @Test
    void batchPadsSourcesWithPadAndLabelsWithIgnoreIndex() {
        TokenizedExample a = new TokenizedExample(new long[] {5, 6, 1}, new long[] {7, 1}, List.of("x"));
        TokenizedExample b = new TokenizedExample(new long[] {8, 1}, new long[] {9, 10, 11, 1}, List.of("y"));
        Batch batch = Batch.of(List.of(a, b), 0);
        assertThat(batch.inputIds()).containsExactly(5, 6, 1, 8, 1, 0);
        assertThat(batch.attentionMask()).containsExactly(1, 1, 1, 1, 1, 0);
        assertThat(batch.labels()).containsExactly(7, 1, -100, -100, 9, 10, 11, 1);
        assertThat(batch.targetTokens()).isEqualTo(6);
    }

    @Test
    void lengthGroupingCutsPaddingOnSquadWhileKeepingEveryExampleOnce() {
        List<QaExample> all = QaDatasetReader.read(squad(), PromptTemplate.DEFAULT);
        List<TokenizedExample> ex = new ExampleEncoder(CHARS, 100_000, 1000, 1).encode(all, "squad").examples();
        long plain = paddedTokens(ex, BatchOrder.batches(ex, 8, 42, 0, BatchOrder.Mode.PLAIN));
        long grouped = paddedTokens(ex, BatchOrder.batches(ex, 8, 42, 0, BatchOrder.Mode.GROUP_BY_LENGTH));
        long real = ex.stream().mapToLong(e -> e.source().length).sum();
        assertThat(grouped - real).as("padding grouped vs plain: %d vs %d", grouped - real, plain - real)
                .isLessThan((plain - real) / 5);
        for (BatchOrder.Mode mode : BatchOrder.Mode.values()) {
            List<int[]> order = BatchOrder.batches(ex, 8, 42, 3, mode);
            int[] seen = order.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertThat(seen).hasSize(ex.size()).isSorted().doesNotHaveDuplicates();
            assertThat(order.stream().flatMapToInt(Arrays::stream).toArray()).as("same seed+epoch, same order")
                    .containsExactly(BatchOrder.batches(ex, 8, 42, 3, mode).stream()
                            .flatMapToInt(Arrays::stream).toArray());
        }
        assertThat(BatchOrder.batches(ex, 8, 42, 0, BatchOrder.Mode.PLAIN).get(0))
                .isNotEqualTo(BatchOrder.batches(ex, 8, 42, 1, BatchOrder.Mode.PLAIN).get(0));
    }

    static long paddedTokens(List<TokenizedExample> ex, List<int[]> batches) {
        long total = 0;
        for (int[] b : batches) {
            int max = 0;
            for (int i : b) {
                max = Math.max(max, ex.get(i).source().length);
            }
            total += (long) max * b.length;
        }
        return total;
    }

    @Test
    void squadMetricsFollowTheOfficialScript() {
        assertThat(SquadMetrics.normalize("The  Denver Broncos!")).isEqualTo("denver broncos");
        assertThat(SquadMetrics.normalize("an apple, a pear")).isEqualTo("apple pear");
        assertThat(SquadMetrics.exactMatch("the Denver Broncos", List.of("Carolina", "Denver Broncos"))).isEqualTo(1);
        assertThat(SquadMetrics.exactMatch("Broncos", List.of("Denver Broncos"))).isEqualTo(0);
        // tokens: pred {denver, broncos, team}, gold {denver, broncos}: P=2/3, R=1, F1=0.8
        assertThat(SquadMetrics.f1("Denver Broncos team", List.of("Denver Broncos"))).isCloseTo(0.8,
                org.assertj.core.data.Offset.offset(1e-12));
        // multiset: pred {a1, a1}, gold {a1}: common 1, P=1/2, R=1 -> 2/3
        assertThat(SquadMetrics.f1("x x", List.of("x"))).isCloseTo(2.0 / 3,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SquadMetrics.f1("nothing", List.of("Denver", "nothing here"))).isCloseTo(2.0 / 3,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(SquadMetrics.f1("", List.of("x"))).isZero();
    }

    @Test
    void promptTemplateNeedsAPlaceholder() {
        assertThatThrownBy(() -> new PromptTemplate("no placeholders")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new PromptTemplate("Q: {question}").format("ctx", "why?")).isEqualTo("Q: why?");
    }
}
