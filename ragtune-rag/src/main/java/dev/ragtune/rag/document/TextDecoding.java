package dev.ragtune.rag.document;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks that a file is text and finds its charset: UTF-8 when the whole file decodes strictly as UTF-8, else
 * windows-1252 (a superset of Latin-1, common for Portuguese files), with a warning. Streams; holds no file.
 */
final class TextDecoding {
    static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

    /** Bytes examined for the binary test. */
    static final int SNIFF_BYTES = 64 * 1024;

    /** More control characters than this fraction of the sniffed bytes means binary. */
    static final double MAX_CONTROL_RATIO = 0.05;

    private TextDecoding() {
    }

    /**
     * The charset to decode {@code file} with, after refusing empty and binary files.
     *
     * @throws DocumentException EMPTY or BINARY
     */
    static Charset charsetOf(Path file, DocumentVisitor visitor) throws IOException {
        String name = file.toString();
        if (Files.size(file) == 0) {
            throw new DocumentException(DocumentException.Reason.EMPTY, name, "empty file, skipped");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        }
        int control = 0;
        for (byte b : head) {
            int c = b & 0xff;
            if (c == 0) {
                throw new DocumentException(DocumentException.Reason.BINARY, name,
                        "binary, not text (NUL bytes; UTF-16 is not supported either): convert it to UTF-8 text "
                                + "or remove it from the folder");
            }
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x0b) || c == 0x7f) control++;
        }
        if (control > MAX_CONTROL_RATIO * head.length) {
            throw new DocumentException(DocumentException.Reason.BINARY, name, String.format(
                    "binary, not text (%d control characters in the first %d bytes): convert it to UTF-8 text "
                            + "or remove it from the folder", control, head.length));
        }
        boolean blank = true;
        Charset charset = StandardCharsets.UTF_8;
        try (Reader r = strictReader(file, StandardCharsets.UTF_8)) {
            blank = isBlank(r);
        } catch (CharacterCodingException e) {
            charset = WINDOWS_1252;
            visitor.warning(name, "not valid UTF-8; decoded as windows-1252 (Latin-1). Re-save it as UTF-8 "
                    + "if accents look wrong");
            try (Reader r = strictReader(file, WINDOWS_1252)) {
                blank = isBlank(r);
            }
        }
        if (blank) throw new DocumentException(DocumentException.Reason.EMPTY, name, "only whitespace, skipped");
        return charset;
    }

    /** A reader that throws {@link CharacterCodingException} on bytes invalid in {@code charset}. */
    static Reader strictReader(Path file, Charset charset) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        return new InputStreamReader(in, charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT));
    }

    /** Reads {@code file} whole, decoded with {@link #charsetOf}; for formats parsed in memory. */
    static String readAll(Path file, DocumentVisitor visitor, long maxBytes) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new DocumentException(DocumentException.Reason.TOO_LARGE, file.toString(), String.format(
                    "%,d bytes; this format is parsed in memory and the limit is %,d bytes: convert it to .txt",
                    size, maxBytes));
        }
        Charset charset = charsetOf(file, visitor);
        String text = new String(Files.readAllBytes(file), charset);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Reads to the end; true when every char was whitespace. */
    private static boolean isBlank(Reader r) throws IOException {
        char[] buf = new char[64 * 1024];
        boolean blank = true;
        for (int n; (n = r.read(buf)) >= 0; ) {
            for (int i = 0; blank && i < n; i++) {
                if (!Character.isWhitespace(buf[i]) && buf[i] != '\uFEFF') blank = false;
            }
        }
        return blank;
    }
}
