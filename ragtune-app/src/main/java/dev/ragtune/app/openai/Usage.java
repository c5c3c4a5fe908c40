package dev.ragtune.app.openai;

/** Tokens of a request, counted with the tokenizer of the model that read or wrote them. */
record Usage(int promptTokens, Integer completionTokens, int totalTokens) {
    static Usage chat(int prompt, int completion) {
        return new Usage(prompt, completion, prompt + completion);
    }

    /** Embeddings have no completion: OpenAI leaves the field out. */
    static Usage embedding(int prompt) {
        return new Usage(prompt, null, prompt);
    }
}
