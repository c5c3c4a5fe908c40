package dev.ragtune.rag.answer;

import java.util.List;

/**
 * A generator's answer.
 *
 * @param text      the answer text
 * @param supported numbers {@code n} of the contexts the generator itself knows it took the answer from (an
 *                  extractive generator does); empty when it cannot tell, and citations are then parsed or
 *                  attributed by overlap
 * @param evidence  the sentence an extractive answer was chosen by, with its score; null for a generative model
 */
public record Generation(String text, List<Integer> supported, Evidence evidence) {
    public Generation {
        text = text == null ? "" : text;
        supported = List.copyOf(supported);
    }

    /** An answer without evidence (what a generative model returns). */
    public Generation(String text, List<Integer> supported) {
        this(text, supported, null);
    }
}
