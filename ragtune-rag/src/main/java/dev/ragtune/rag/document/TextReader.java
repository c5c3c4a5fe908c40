package dev.ragtune.rag.document;

import java.io.IOException;
import java.io.PushbackReader;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Plain text, streamed: files of any size pass in blocks of about {@value TextBlocks#BLOCK_CHARS} characters.
 * Decoded as UTF-8, or windows-1252 with a warning when the file is not valid UTF-8; a leading byte-order mark is
 * dropped (offsets count from the char after it). Title: the file name without extension.
 */
final class TextReader implements DocumentReader {
    private static final Set<String> EXTENSIONS = Set.of("txt", "text", "rst", "adoc", "asciidoc", "org", "tex");

    private final TextBlocks blocks;

    TextReader() {
        this(TextBlocks.BLOCK_CHARS);
    }

    TextReader(int blockChars) {
        this.blocks = new TextBlocks(blockChars);
    }

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public void read(Path file, String documentId, DocumentVisitor visitor) throws IOException {
        Charset charset = TextDecoding.charsetOf(file, visitor);
        try (PushbackReader in = new PushbackReader(TextDecoding.strictReader(file, charset))) {
            int first = in.read();
            if (first >= 0 && first != '\uFEFF') in.unread(first);
            blocks.emitDocument(in, file.toString(), documentId, TextBlocks.baseName(file),
                    Map.of("format", "text", "charset", charset.name()), visitor);
        }
    }
}
