package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LanguageGuessTest {
    @Test
    void portugueseProseIsPortuguese() {
        assertThat(LanguageGuess.of(TextReaderTest.LGPD_ART_1)).isEqualTo(Language.PORTUGUESE);
        assertThat(LanguageGuess.of("Os modelos de codificador são mais adequados para tarefas que exigem uma "
                + "compreensão da sentença completa.")).isEqualTo(Language.PORTUGUESE);
    }

    @Test
    void englishProseIsEnglish() {
        assertThat(LanguageGuess.of("We present the Stanford Question Answering Dataset, a reading comprehension "
                + "dataset consisting of questions posed by crowdworkers on a set of Wikipedia articles."))
                .isEqualTo(Language.ENGLISH);
    }

    @Test
    void emptyCodeOrTooFewCluesDefaultToEnglish() {
        assertThat(LanguageGuess.of("")).isEqualTo(Language.ENGLISH);
        assertThat(LanguageGuess.of("x = f(y) + 3; return x;")).isEqualTo(Language.ENGLISH);
        assertThat(LanguageGuess.of("Dados de 2018")).isEqualTo(Language.ENGLISH); // one clue is not enough
    }

    @Test
    void languageCodesParseWithRegionsAndRejectOthers() {
        assertThat(Language.ofCode("pt-BR")).isEqualTo(Language.PORTUGUESE);
        assertThat(Language.ofCode("EN")).isEqualTo(Language.ENGLISH);
        assertThatThrownBy(() -> Language.ofCode("de")).hasMessageContaining("use en or pt");
    }
}
