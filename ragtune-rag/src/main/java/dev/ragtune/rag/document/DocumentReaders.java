package dev.ragtune.rag.document;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The entry point to the readers: picks one by file extension (case-insensitive) and derives document ids.
 *
 * <pre>{@code
 * DocumentReaders.read(root, file, chunker.visitor(sink));   // id = root-relative path, e.g. papers/lora.pdf
 * }</pre>
 */
public final class DocumentReaders {
    private static final List<DocumentReader> READERS = List.of(
            new PdfReader(), new HtmlReader(), new MarkdownReader(), new TextReader(), new JsonlReader());

    private static final Map<String, DocumentReader> BY_EXTENSION = byExtension();

    private DocumentReaders() {
    }

    /**
     * The reader for {@code file}'s extension.
     *
     * @throws DocumentException UNSUPPORTED, naming the supported extensions
     */
    public static DocumentReader forFile(Path file) throws DocumentException {
        DocumentReader reader = BY_EXTENSION.get(extension(file));
        if (reader == null) {
            throw new DocumentException(DocumentException.Reason.UNSUPPORTED, file.toString(),
                    "unsupported file type; supported extensions: " + String.join(", ", supportedExtensions())
                            + " (convert it to one of them, or leave it out)");
        }
        return reader;
    }

    /** True when some reader handles {@code file}'s extension. */
    public static boolean isSupported(Path file) {
        return BY_EXTENSION.containsKey(extension(file));
    }

    /** All handled extensions, sorted, without dots. */
    public static Set<String> supportedExtensions() {
        return new TreeSet<>(BY_EXTENSION.keySet());
    }

    /**
     * Id of the document in {@code file} ingested from folder {@code root}: the relative path with forward
     * slashes, e.g. {@code papers/lora.pdf}; when {@code root} is the file itself, its file name.
     *
     * @throws IllegalArgumentException when {@code file} is not inside {@code root}
     */
    public static String documentId(Path root, Path file) {
        Path r = root.toAbsolutePath().normalize();
        Path f = file.toAbsolutePath().normalize();
        if (r.equals(f)) return f.getFileName().toString();
        if (!f.startsWith(r)) {
            throw new IllegalArgumentException(file + " is not inside the ingest root " + root);
        }
        StringBuilder id = new StringBuilder();
        for (Path part : r.relativize(f)) {
            if (id.length() > 0) id.append('/');
            id.append(part);
        }
        return id.toString();
    }

    /** Reads {@code file} with the reader for its extension, as document {@link #documentId(Path, Path)}. */
    public static void read(Path root, Path file, DocumentVisitor visitor) throws IOException {
        forFile(file).read(file, documentId(root, file), visitor);
    }

    private static String extension(Path file) {
        Path name = file.getFileName();
        if (name == null) return "";
        String s = name.toString();
        int dot = s.lastIndexOf('.');
        return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static Map<String, DocumentReader> byExtension() {
        Map<String, DocumentReader> map = new HashMap<>();
        for (DocumentReader reader : READERS) {
            for (String ext : reader.extensions()) {
                if (map.put(ext, reader) != null) throw new IllegalStateException("two readers for ." + ext);
            }
        }
        return Map.copyOf(map);
    }
}
