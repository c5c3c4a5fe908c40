package dev.ragtune.model.data;

import java.util.List;

/**
 * One prompt with its gold answers; the first answer is the training target (SQuAD convention), all of them count
 * for exact match / F1.
 */
public record QaExample(String id, String prompt, List<String> answers) {
    public QaExample {
        answers = List.copyOf(answers);
        if (answers.isEmpty()) {
            throw new DatasetFormatException("Example " + id + " has no answer");
        }
    }

    public String target() {
        return answers.get(0);
    }
}
