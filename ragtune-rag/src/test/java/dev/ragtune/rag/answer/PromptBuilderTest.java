package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.retrieve.Hit;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptBuilderTest {
    static final PromptTemplate TEMPLATE = new PromptTemplate("Contexto:\n{context}\nPergunta: {question}", "Pergunta: {question}");
    /** Scores a sentence by how many times it says "overfitting" (a hand-checkable relevance). */
    static final SentenceScorer KEYWORD = (q, sentences) -> {
        float[] s = new float[sentences.size()];
        for (int i = 0; i < s.length; i++) s[i] = sentences.get(i).split("overfitting", -1).length - 1;
        return s;
    };

    static Hit hit(int rank, String id, String text) {
        return new Hit(rank, rank, new Chunk(id, "doc", "src", 0, 0, text.length(), "", text), 1f / rank);
    }

    @Test
    void contextsThatFitGoInWholeNumberedInOrder() {
        WhitespaceGenerator g = new WhitespaceGenerator(100, r -> "");
        Prompt p = new PromptBuilder(TEMPLATE, g, KEYWORD).build("Como?", List.of(hit(1, "a#0", "Um dois."), hit(2, "b#0", "Tres.")),
                new float[] {0.9f, 0.5f});
        assertThat(p.text()).isEqualTo("Contexto:\n[1] Um dois.\n[2] Tres.\nPergunta: Como?");
        assertThat(p.compressed()).isFalse();
        assertThat(p.tokens()).isEqualTo(8);
        assertThat(p.contexts()).extracting(Context::n).containsExactly(1, 2);
    }

    @Test
    void overflowingContextsKeepTheirMostRelevantSentencesInDocumentOrder() {
        // budget 24 - 4 safety = 20 tokens; template + question "Pergunta: x" = 3 tokens -> 17 for contexts
        WhitespaceGenerator g = new WhitespaceGenerator(24, r -> "");
        String a = "Filler one two three four. Dropout fights overfitting well. More filler five six seven.";
        String b = "Nothing relevant here at all today. L2 reduces overfitting and overfitting again.";
        Prompt p = new PromptBuilder(TEMPLATE, g, KEYWORD).build("x", List.of(hit(1, "a#0", a), hit(2, "b#0", b)),
                new float[] {1, 1});
        assertThat(p.compressed()).isTrue();
        assertThat(p.tokens()).isLessThanOrEqualTo(20);
        // b's sentence (2 mentions) is picked first, then a's (1 mention); shown in retrieval order [1]=a, [2]=b
        assertThat(p.text()).isEqualTo("Contexto:\n[1] Dropout fights overfitting well.\n[2] L2 reduces overfitting and overfitting again.\nPergunta: x");
        assertThat(p.contexts()).extracting(Context::keptSentences).containsExactly(1, 1);
        assertThat(p.contexts()).extracting(Context::droppedSentences).containsExactly(2, 1);
    }

    @Test
    void aContextWithNoSentenceKeptIsLeftOutAndTheRestRenumbered() {
        WhitespaceGenerator g = new WhitespaceGenerator(15, r -> "");
        String a = "Nothing to see in this first passage at all.";
        String b = "Overfitting? L2 reduces overfitting.";
        Prompt p = new PromptBuilder(TEMPLATE, g, KEYWORD).build("x", List.of(hit(1, "a#0", a), hit(2, "b#0", b)),
                new float[] {1, 1});
        assertThat(p.contexts()).singleElement().satisfies(c -> {
            assertThat(c.n()).isEqualTo(1);
            assertThat(c.hit().chunk().id()).isEqualTo("b#0");
        });
        assertThat(p.text()).isEqualTo("Contexto:\n[1] Overfitting? L2 reduces overfitting.\nPergunta: x");
    }

    @Test
    void aQuestionLongerThanHalfTheInputIsCut() {
        WhitespaceGenerator g = new WhitespaceGenerator(40, r -> "");
        String question = "palavra ".repeat(10_000).strip();
        Prompt p = new PromptBuilder(TEMPLATE, g, KEYWORD).build(question, List.of(hit(1, "a#0", "Curto.")), new float[] {1});
        assertThat(p.questionTruncated()).isTrue();
        assertThat(p.tokens()).isLessThanOrEqualTo(36);
        assertThat(p.text()).contains("[1] Curto.");
    }

    @Test
    void placeholdersInsideRetrievedTextAreNotSubstitutedAgain() {
        WhitespaceGenerator g = new WhitespaceGenerator(100, r -> "");
        Prompt p = new PromptBuilder(TEMPLATE, g, KEYWORD).build("Q?", List.of(hit(1, "a#0", "Write {question} here.")),
                new float[] {1});
        assertThat(p.text()).contains("[1] Write {question} here.").endsWith("Pergunta: Q?");
    }
}
