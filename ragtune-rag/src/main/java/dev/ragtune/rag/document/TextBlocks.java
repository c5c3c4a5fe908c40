package dev.ragtune.rag.document;

import java.io.IOException;
import java.io.Reader;
import java.util.Map;

/**
 * Cuts a character stream into sections of about {@value #BLOCK_CHARS} characters so that unpaged documents
 * of any size pass through bounded memory. A cut falls, by preference, after a blank line, then after a line
 * break, then after sentence-ending punctuation followed by a space, then after any whitespace, searching back
 * from the block's end but not below half a block; text with no whitespace at all is cut at the block size
 * (never between the two halves of a surrogate pair).
 */
final class TextBlocks {
    /** Target section length in characters (about 1 MB of Latin text). */
    static final int BLOCK_CHARS = 1 << 20;

    /** Receives each block; {@code offset} counts chars from the start of the stream. */
    @FunctionalInterface
    interface BlockSink {
        void block(int offset, String text) throws IOException;
    }

    private final int blockChars;

    TextBlocks(int blockChars) {
        if (blockChars < 16) throw new IllegalArgumentException("blockChars must be >= 16, was " + blockChars);
        this.blockChars = blockChars;
    }

    /**
     * Reads {@code in} to its end and hands out consecutive blocks covering every character exactly once.
     * Returns the total number of characters.
     *
     * @throws DocumentException TOO_LARGE when the text is longer than {@link Integer#MAX_VALUE} chars
     */
    long split(Reader in, String file, BlockSink sink) throws IOException {
        StringBuilder pending = new StringBuilder(blockChars + blockChars / 4);
        char[] buf = new char[Math.min(64 * 1024, blockChars)];
        long offset = 0;
        boolean eof = false;
        while (!eof || pending.length() > 0) {
            while (!eof && pending.length() < blockChars) {
                int n = in.read(buf, 0, Math.min(buf.length, blockChars - pending.length()));
                if (n < 0) eof = true;
                else pending.append(buf, 0, n);
            }
            int cut = eof ? pending.length() : cut(pending);
            if (offset + cut > Integer.MAX_VALUE) {
                throw new DocumentException(DocumentException.Reason.TOO_LARGE, file,
                        "longer than " + Integer.MAX_VALUE + " characters; split it into several files");
            }
            if (cut > 0) sink.block((int) offset, pending.substring(0, cut));
            pending.delete(0, cut);
            offset += cut;
        }
        return offset;
    }

    /** Where to end the first block of {@code s}, which holds {@code blockChars} chars and more follow. */
    static int cut(CharSequence s) {
        int len = s.length();
        int floor = len / 2;
        for (int i = len - 1; i >= floor; i--) {
            if (s.charAt(i) == '\n' && s.charAt(i - 1) == '\n') return i + 1;
            if (s.charAt(i) == '\n' && s.charAt(i - 1) == '\r' && i >= 3 && s.charAt(i - 2) == '\n') return i + 1;
        }
        for (int i = len - 1; i >= floor; i--) {
            if (s.charAt(i) == '\n') return i + 1;
        }
        for (int i = len - 1; i >= floor; i--) {
            char c = s.charAt(i - 1);
            if (s.charAt(i) == ' ' && (c == '.' || c == '!' || c == '?')) return i + 1;
        }
        for (int i = len - 1; i >= floor; i--) {
            if (Character.isWhitespace(s.charAt(i))) return i + 1;
        }
        return Character.isHighSurrogate(s.charAt(len - 1)) ? len - 1 : len;
    }

    /**
     * Emits one unpaged document read from {@code in}: {@code startDocument} (language guessed from the first
     * block), its blocks as page-0 sections, {@code endDocument}.
     */
    void emitDocument(Reader in, String file, String id, String title, Map<String, String> metadata,
            DocumentVisitor visitor) throws IOException {
        Document[] doc = new Document[1];
        split(in, file, (offset, text) -> {
            if (doc[0] == null) {
                doc[0] = new Document(id, file, title, LanguageGuess.of(text), metadata);
                visitor.startDocument(doc[0]);
            }
            visitor.section(new Section(0, offset, text));
        });
        if (doc[0] == null) {
            throw new DocumentException(DocumentException.Reason.EMPTY, file, "no text, skipped");
        }
        visitor.endDocument(doc[0]);
    }

    /** The file name without its extension: the title of documents that name none. */
    static String baseName(java.nio.file.Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
