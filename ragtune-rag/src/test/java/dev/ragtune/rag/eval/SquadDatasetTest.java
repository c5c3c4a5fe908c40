package dev.ragtune.rag.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ragtune.rag.testsupport.TestData;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SquadDatasetTest {
    @Test
    void readsTheSquadDevSubsetWithStableParagraphIds() {
        SquadDataset squad = TestData.load(TestData.SQUAD);
        // counts published in SOURCES.md for this split
        assertThat(squad.paragraphs()).hasSize(1048);
        assertThat(squad.questions()).hasSize(5696);
        assertThat(squad.paragraphs().get(0).id()).isEqualTo("Super_Bowl_50#0");
        SquadDataset.Question q = squad.questions().get(0);
        assertThat(q.paragraphId()).isEqualTo("Super_Bowl_50#0");
        SquadDataset.Paragraph p = squad.paragraphs().get(0);
        SquadDataset.Answer a = q.answers().get(0);
        assertThat(p.text().substring(a.start(), a.start() + a.text().length())).isEqualTo(a.text());
    }

    @Test
    void readsFaquadAndKeepsIdsUniqueWhenATitleRepeats() {
        SquadDataset faquad = TestData.load(TestData.FAQUAD);
        assertThat(faquad.paragraphs()).hasSize(211);
        assertThat(faquad.questions()).hasSize(837);
        Set<String> ids = new HashSet<>();
        faquad.paragraphs().forEach(p -> assertThat(ids.add(p.id())).as(p.id()).isTrue());
        faquad.questions().forEach(q -> assertThat(ids).contains(q.paragraphId()));
    }

    @Test
    void missingFieldsAreReportedWithTheirJsonPath() {
        String json = "{\"data\":[{\"title\":\"T\",\"paragraphs\":[{\"context\":\"c\",\"qas\":[{\"id\":\"1\","
                + "\"answers\":[]}]}]}]}";
        assertThatThrownBy(() -> SquadDataset.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "x.json"))
                .isInstanceOf(InvalidDatasetException.class)
                .hasMessage("x.json: $.data[0].paragraphs[0].qas[0].question is missing or not a string");
        assertThatThrownBy(() -> SquadDataset.read(new ByteArrayInputStream("{\"version\":1}".getBytes(StandardCharsets.UTF_8)), "y.json"))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("y.json: $.data is missing");
        assertThatThrownBy(() -> SquadDataset.read(new ByteArrayInputStream("{".getBytes(StandardCharsets.UTF_8)), "z.json"))
                .isInstanceOf(InvalidDatasetException.class).hasMessageContaining("z.json is not valid JSON");
    }
}
