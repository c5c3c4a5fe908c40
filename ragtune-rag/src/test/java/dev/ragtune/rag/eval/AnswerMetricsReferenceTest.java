package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * EM and F1 against the official SQuAD v1.1 evaluate logic run in Python on 1,028 real cases (SQuAD and FaQuAD
 * answers, extractive predictions, edge cases; see src/test/resources/eval/ATTRIBUTION.md).
 */
class AnswerMetricsReferenceTest {
    @Test
    void exactMatchAndF1AgreeWithTheOfficialScriptOnEveryCase() throws IOException {
        ObjectMapper json = new ObjectMapper();
        int cases = 0, portugueseDiffers = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                getClass().getResourceAsStream("/eval/squad-metric-cases.jsonl"), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                JsonNode c = json.readTree(line);
                String prediction = c.get("prediction").asText();
                List<String> answers = new ArrayList<>();
                c.get("answers").forEach(a -> answers.add(a.asText()));
                String what = prediction + " vs " + answers;
                assertThat(AnswerMetrics.exactMatch(prediction, answers, AnswerMetrics.Variant.SQUAD)).as(what)
                        .isEqualTo(c.get("em_squad").asDouble());
                assertThat(AnswerMetrics.f1(prediction, answers, AnswerMetrics.Variant.SQUAD)).as(what)
                        .isCloseTo(c.get("f1_squad").asDouble(), within(1e-12));
                assertThat(AnswerMetrics.exactMatch(prediction, answers, AnswerMetrics.Variant.PORTUGUESE)).as(what)
                        .isEqualTo(c.get("em_pt").asDouble());
                assertThat(AnswerMetrics.f1(prediction, answers, AnswerMetrics.Variant.PORTUGUESE)).as(what)
                        .isCloseTo(c.get("f1_pt").asDouble(), within(1e-12));
                if (c.get("f1_pt").asDouble() != c.get("f1_squad").asDouble()) portugueseDiffers++;
                cases++;
            }
        }
        assertThat(cases).isEqualTo(1028);
        assertThat(portugueseDiffers).as("cases where the Portuguese variant changes F1").isGreaterThan(50);
    }
}
