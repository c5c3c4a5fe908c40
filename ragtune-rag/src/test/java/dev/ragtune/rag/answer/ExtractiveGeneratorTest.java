package dev.ragtune.rag.answer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.document.Chunk;
import dev.ragtune.rag.retrieve.Hit;
import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extractive answerer's choice on hand-made contexts, with a scorer that rates every sentence the same so only
 * the lexical, neighbourhood, rank and cue signals decide (the real cosine is measured in
 * ExtractiveAnswerQualityTest).
 */
class ExtractiveGeneratorTest {
    static final SentenceScorer FLAT = (q, sentences) -> new float[sentences.size()];

    static List<Context> contexts(String... texts) {
        List<Context> out = new ArrayList<>();
        for (String t : texts) {
            int n = out.size() + 1;
            Chunk c = new Chunk("doc#" + n, "doc", "doc.pdf", n, 0, t.length(), "", t);
            out.add(new Context(n, new Hit(n, n, c, 1f / n), t, 1f / n, Sentences.split(t).size(), 0));
        }
        return out;
    }

    static Generation ask(SentenceSelection.Weights weights, String question, String... texts) {
        try (ExtractiveGenerator g = new ExtractiveGenerator(new HashingEmbedder(), FLAT, weights)) {
            return g.generate(new GenerationRequest(question, "", contexts(texts)));
        }
    }

    static Generation ask(String question, String... texts) {
        return ask(SentenceSelection.DEFAULT, question, texts);
    }

    static final SentenceSelection.Weights ONE_SENTENCE = new SentenceSelection.Weights(1, 2, 0.3, 0.2, 0.3, 0);

    @Test
    void theSentenceSharingTheQuestionsRarestWordsWinsOverOneSharingOnlyCommonOnes() {
        Generation g = ask(ONE_SENTENCE, "Which optimizer did the authors use for fine-tuning?",
                "The authors describe the model in detail. The authors train it on two corpora. "
                        + "For fine-tuning we use the Adam optimizer with a learning rate of 2e-5.");
        assertThat(g.text()).isEqualTo("For fine-tuning we use the Adam optimizer with a learning rate of 2e-5.");
        assertThat(g.supported()).containsExactly(1);
    }

    @Test
    void theDefaultAfterTheSentenceThatNamesThePoolingStrategiesIsPartOfTheAnswer() {
        // the SBERT case of issue 13: the answer is the short sentence after the one that names pooling strategies
        Generation g = ask("What pooling strategy does SBERT use by default?",
                "SBERT adds a pooling operation to the output of BERT to derive a fixed sized sentence embedding. "
                        + "We experiment with three pooling strategies: using the output of the CLS-token, computing "
                        + "the mean of all output vectors (MEAN-strategy), and computing a max-over-time of the output "
                        + "vectors (MAX-strategy). The default configuration is MEAN. In order to fine-tune BERT, we "
                        + "create siamese and triplet networks.");
        assertThat(g.text()).contains("The default configuration is MEAN.");
        assertThat(Sentences.split(g.text())).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void aHowManyQuestionIsAnsweredWithTheNumberAfterTheSentenceThatRepeatsItsWords() {
        Generation g = ask("How many parameters does the largest T5 model have?",
                "The largest T5 model is called T5-11B. It has 11 billion parameters and was trained on C4. "
                        + "Smaller T5 variants have fewer layers.");
        assertThat(g.text()).contains("It has 11 billion parameters");
        assertThat(Sentences.split(g.text())).hasSizeLessThanOrEqualTo(2);
        assertThat(g.evidence().span()).isEqualTo("11 billion");
    }

    @Test
    void aPortugueseQuestionIsMatchedThroughPortugueseStems() {
        Generation g = ask("Qual é a capital do Estado de Minas Gerais?",
                "O Brasil tem vinte e seis estados e um distrito federal. Belo Horizonte é a capital mineira e a "
                        + "sede do governo estadual de Minas Gerais. O estado tem 853 municípios.",
                "A capital do Brasil é Brasília.");
        assertThat(g.text()).contains("Belo Horizonte é a capital mineira");
        assertThat(g.evidence().n()).isEqualTo(1);
        assertThat(g.evidence().span()).isEqualTo("Belo Horizonte");
    }

    @Test
    void evidenceNamesTheChosenSentenceItsContextAndItsScore() {
        Generation g = ask(ONE_SENTENCE, "When was the Adam optimizer published?",
                "Stochastic gradient descent is old.", "Adam was published in 2014 by Kingma and Ba. It is popular.");
        assertThat(g.evidence().sentence()).isEqualTo("Adam was published in 2014 by Kingma and Ba.");
        assertThat(g.evidence().n()).isEqualTo(2);
        assertThat(g.supported()).containsExactly(2);
        assertThat(g.evidence().span()).isEqualTo("2014");
        // flat semantic 1 + lexical 2 · 1 ("optimizer" is in no sentence, so adam + publish are all the question's
        // words that tell sentences apart, and the sentence has both) + rank 0.2 / 2 + cue 0.3 (2014)
        assertThat(g.evidence().score()).isCloseTo(1 + 2 + 0.1 + 0.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aNeighbourScoringWithinTheMarginJoinsTheAnswerInDocumentOrder() {
        String ctx = "Tesla moved to New York in 1884. There he worked for Edison. He left Edison's company in 1885.";
        Generation one = ask(ONE_SENTENCE, "Where did Tesla work in New York?", ctx);
        Generation two = ask(new SentenceSelection.Weights(1, 2, 0.3, 0.2, 0.3, 10), "Where did Tesla work in New York?", ctx);
        assertThat(Sentences.split(one.text())).hasSize(1);
        assertThat(Sentences.split(two.text())).hasSize(2);
        assertThat(ctx).contains(two.text());
    }
}
