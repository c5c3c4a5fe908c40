package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class QuestionCueTest {
    @Test
    void englishAndPortugueseWordingsNameTheKindOfAnswer() {
        assertThat(QuestionCue.of("How many parameters does T5 have?")).isEqualTo(QuestionCue.NUMBER);
        assertThat(QuestionCue.of("Quantos municípios tem Minas Gerais?")).isEqualTo(QuestionCue.NUMBER);
        assertThat(QuestionCue.of("When did Levi's Stadium open?")).isEqualTo(QuestionCue.DATE);
        assertThat(QuestionCue.of("Quando foi promulgada a Constituição?")).isEqualTo(QuestionCue.DATE);
        assertThat(QuestionCue.of("Em que ano a UFMG foi fundada?")).isEqualTo(QuestionCue.DATE);
        assertThat(QuestionCue.of("Who proposed BERT?")).isEqualTo(QuestionCue.PERSON);
        assertThat(QuestionCue.of("Quem escreveu Dom Casmurro?")).isEqualTo(QuestionCue.PERSON);
        assertThat(QuestionCue.of("Where is the SAP Center?")).isEqualTo(QuestionCue.PLACE);
        assertThat(QuestionCue.of("Onde fica a sede?")).isEqualTo(QuestionCue.PLACE);
        assertThat(QuestionCue.of("Qual é a capital do Estado de Minas Gerais?")).isEqualTo(QuestionCue.PLACE);
        assertThat(QuestionCue.of("What pooling strategy does SBERT use?")).isEqualTo(QuestionCue.NONE);
    }

    @Test
    void wordsTheQuestionAlreadyHasDoNotAnswerIt() {
        String q = "How many people lived in Warsaw in 1939?";
        assertThat(QuestionCue.NUMBER.candidates("In 1939 the city had 1.3 million inhabitants.", q))
                .containsExactly("1.3 million");
        assertThat(QuestionCue.NUMBER.candidates("In 1939 the war began.", q)).isEmpty();
        assertThat(QuestionCue.NUMBER.candidates("T5-11B has 11 billion parameters.", "How many parameters?"))
                .containsExactly("11 billion");
        assertThat(QuestionCue.DATE.candidates("Luther was ordained in 1507, in April.", "When was Luther ordained?"))
                .containsExactly("1507", "April");
        assertThat(QuestionCue.PERSON.candidates("The model was proposed by Devlin and colleagues at Google.",
                "Who proposed the model?")).containsExactly("Devlin", "Google");
        assertThat(QuestionCue.PLACE.candidates("A capital mineira é Belo Horizonte, em Minas Gerais.",
                "Qual é a capital de Minas Gerais?")).containsExactly("Belo Horizonte");
        assertThat(QuestionCue.NONE.candidates("Anything 12 at all.", "What?")).isEmpty();
    }
}
