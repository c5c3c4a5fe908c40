package dev.ragtune.rag.document;

/** One token per run of non-whitespace characters: simple, additive, and easy to compute by hand. */
final class WhitespaceTokenCounter implements TokenCounter {
    @Override
    public int count(String text) {
        int n = 0;
        boolean inToken = false;
        for (int i = 0; i < text.length(); i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inToken) n++;
            inToken = !space;
        }
        return n;
    }
}
