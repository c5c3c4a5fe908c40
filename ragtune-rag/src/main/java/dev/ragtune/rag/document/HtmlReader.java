package dev.ragtune.rag.document;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.Elements;
import org.jsoup.select.NodeVisitor;

/**
 * HTML pages as prose, parsed by jsoup. The main content is the {@code <main>} element if any, else the
 * {@code <article>} with the most text, else {@code <body>}; scripts, styles, navigation, headers, footers, asides
 * and forms are dropped. Block elements ({@code p}, {@code div}, {@code li}, headings, table rows, {@code br}…) end
 * a line so that their sentences do not run together; whitespace inside a block is collapsed to single spaces,
 * except in {@code <pre>}. Title: {@code <title>}, else the first {@code <h1>}, else the file name.
 *
 * <p>Sharp edge: the page is parsed in memory (up to {@value #MAX_BYTES} bytes); the charset comes from the byte
 * order mark or {@code <meta charset>}, else UTF-8, else (bytes not valid UTF-8) windows-1252 with a warning.
 */
final class HtmlReader implements DocumentReader {
    static final long MAX_BYTES = 64L << 20;

    private static final Set<String> EXTENSIONS = Set.of("html", "htm", "xhtml");

    /** Page chrome: dropped unless inside the main content ({@code <article><header>} holds the post's title). */
    private static final String CHROME = "header, footer";

    private static final String DROPPED = "script, style, noscript, template, nav, aside, form, "
            + "button, select, svg, iframe, object, canvas, [hidden], [aria-hidden=true], [role=navigation], [role=banner], "
            + "[role=contentinfo], [role=search], [role=complementary]";

    private static final Set<String> BLOCKS = Set.of("p", "div", "section", "article", "main", "li", "ul", "ol",
            "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "blockquote", "table", "thead", "tbody",
            "tfoot", "tr", "caption", "figure", "figcaption", "hr", "br", "address", "details", "summary",
            "fieldset", "center", "body");

    private static final Set<String> CELLS = Set.of("td", "th");

    private final TextBlocks blocks = new TextBlocks(TextBlocks.BLOCK_CHARS);

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public void read(Path file, String documentId, DocumentVisitor visitor) throws IOException {
        String name = file.toString();
        long size = Files.size(file);
        if (size == 0) throw new DocumentException(DocumentException.Reason.EMPTY, name, "empty file, skipped");
        if (size > MAX_BYTES) {
            throw new DocumentException(DocumentException.Reason.TOO_LARGE, name, String.format(
                    "%,d bytes; HTML is parsed in memory and the limit is %,d bytes: split the page", size, MAX_BYTES));
        }
        byte[] bytes = Files.readAllBytes(file);
        org.jsoup.nodes.Document html = Jsoup.parse(new ByteArrayInputStream(bytes), null, "");
        if (html.charset().equals(StandardCharsets.UTF_8) && !isUtf8(bytes)) {
            html = Jsoup.parse(new ByteArrayInputStream(bytes), "windows-1252", "");
            visitor.warning(name, "declares no charset and is not valid UTF-8; decoded as windows-1252 (Latin-1). "
                    + "Add <meta charset> or re-save it as UTF-8 if accents look wrong");
        }
        String title = html.title().strip();
        if (title.isEmpty()) {
            Element h1 = html.selectFirst("h1");
            title = h1 != null && !h1.text().isBlank() ? h1.text().strip() : TextBlocks.baseName(file);
        }
        String text = mainText(html);
        if (text.isBlank()) {
            throw new DocumentException(DocumentException.Reason.EMPTY, name, "no text in the page body, skipped");
        }
        blocks.emitDocument(new StringReader(text), name, documentId, title,
                Map.of("format", "html", "charset", html.charset().name()), visitor);
    }

    /** The prose of the page's main content, one line per block element. */
    static String mainText(org.jsoup.nodes.Document html) {
        html.select(DROPPED).remove();
        for (Element e : html.select(CHROME)) {
            if (e.parent() != null && e.parent().closest("main, article") == null) e.remove();
        }
        Element root = html.selectFirst("main");
        if (root == null) {
            Elements articles = html.select("article");
            for (Element a : articles) {
                if (root == null || a.text().length() > root.text().length()) root = a;
            }
        }
        if (root == null) root = html.body();
        StringBuilder out = new StringBuilder();
        root.traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    if (inPre(t)) {
                        out.append(t.getWholeText());
                    } else {
                        String s = t.text();
                        if (s.isBlank()) {
                            if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))) out.append(' ');
                        } else {
                            boolean lineStart = out.length() == 0 || out.charAt(out.length() - 1) == '\n';
                            out.append(lineStart ? s.stripLeading() : s);
                        }
                    }
                } else if (node instanceof Element e) {
                    if (BLOCKS.contains(e.normalName())) newLine(out);
                    else if (out.length() > 0 && !Character.isWhitespace(out.charAt(out.length() - 1))
                            && (CELLS.contains(e.normalName()) || e.previousSibling() instanceof Element)) {
                        out.append(CELLS.contains(e.normalName()) ? '\t' : ' '); // adjacent inline elements
                    }
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && BLOCKS.contains(e.normalName())) newLine(out);
            }
        });
        return out.toString().replaceAll("[ \\t]+\\n", "\n").replaceAll("\\n{3,}", "\n\n").strip();
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean inPre(TextNode t) {
        for (Node p = t.parent(); p != null; p = p.parent()) {
            if (p instanceof Element e && (e.normalName().equals("pre") || e.normalName().equals("textarea"))) return true;
        }
        return false;
    }

    private static void newLine(StringBuilder out) {
        int n = out.length();
        while (n > 0 && (out.charAt(n - 1) == ' ' || out.charAt(n - 1) == '\t')) n--;
        out.setLength(n);
        if (n > 0 && out.charAt(n - 1) != '\n') out.append('\n');
    }
}
