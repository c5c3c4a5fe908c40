package dev.ragtune.model.generate;

import java.util.List;

/** Turns prompts into generated texts. */
public interface TextGenerator {
    /** One {@link GeneratedText} per prompt, in order. */
    List<GeneratedText> generate(List<String> prompts, GenerationConfig config);
}
