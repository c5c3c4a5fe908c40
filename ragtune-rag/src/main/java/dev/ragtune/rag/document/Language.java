package dev.ragtune.rag.document;

import java.util.Locale;

/** The languages ragtune tells apart; picks sentence rules (chunking) and BM25 analyzers (stemming, stop words). */
public enum Language {
    ENGLISH("en", Locale.ENGLISH),
    PORTUGUESE("pt", Locale.forLanguageTag("pt-BR"));

    private final String code;
    private final Locale locale;

    Language(String code, Locale locale) {
        this.code = code;
        this.locale = locale;
    }

    /** ISO 639-1 code: {@code en} or {@code pt}. */
    public String code() {
        return code;
    }

    /** Locale for {@link java.text.BreakIterator} and case folding. */
    public Locale locale() {
        return locale;
    }

    /** The language with ISO 639-1 code {@code code} (case-insensitive, region ignored: {@code pt-BR} is pt). */
    public static Language ofCode(String code) {
        String base = code.trim().toLowerCase(Locale.ROOT).split("[-_]", 2)[0];
        for (Language l : values()) {
            if (l.code.equals(base)) return l;
        }
        throw new IllegalArgumentException("unsupported language '" + code + "'; use en or pt");
    }
}
