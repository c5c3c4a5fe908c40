package dev.ragtune.rag.document;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Markdown and MDX as prose: front matter, HTML comments, HTML/MDX tags ({@code <Tip>}, {@code <Youtube id=…/>}),
 * images and link URLs are dropped; link text, heading text and the content of code blocks are kept (fence lines
 * dropped). Doc-builder references such as {@code [~peft.PeftModel]} become their name; prose lines lose their
 * indentation. Title: the
 * front matter's {@code title}, else the first {@code # } heading, else the file name.
 *
 * <p>Sharp edge: the file is parsed in memory (up to {@value #MAX_BYTES} bytes); offsets refer to the cleaned text,
 * not to the Markdown source.
 */
final class MarkdownReader implements DocumentReader {
    static final long MAX_BYTES = 64L << 20;

    private static final Set<String> EXTENSIONS = Set.of("md", "mdx", "markdown");

    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern HTML_COMMENT = Pattern.compile("<!--.*?(-->|\\z)", Pattern.DOTALL);
    private static final Pattern MDX_COMMENT = Pattern.compile("\\{/\\*.*?\\*/\\}", Pattern.DOTALL);
    private static final Pattern IMAGE = Pattern.compile("!\\[[^\\]]*\\]\\([^)]*\\)");
    private static final Pattern LINK = Pattern.compile("\\[([^\\]]*)\\]\\([^)]*\\)");
    private static final Pattern REF_LINK = Pattern.compile("\\[([^\\]]+)\\]\\[[^\\]]*\\]");
    private static final Pattern REF_DEFINITION = Pattern.compile("(?m)^ {0,3}\\[[^\\]]+\\]:\\s+\\S.*$");
    private static final Pattern DOC_MARKER = Pattern.compile("\\[\\[[^\\]]*\\]\\]");
    private static final Pattern AUTOLINK = Pattern.compile("<(https?|mailto|ftp):[^<>\\s]*>");
    private static final Pattern FRONT_MATTER_TITLE = Pattern.compile("^title:\\s*(.*)$");
    private static final Pattern TAG = Pattern.compile("</?[A-Za-z][A-Za-z0-9._:-]*(\\s[^<>]*)?/?>");
    private static final Pattern HEADING_MARK = Pattern.compile("(?m)^ {0,3}#{1,6}[ \\t]+(.*?)([ \\t]+#+)?[ \\t]*$");
    private static final Pattern STRONG = Pattern.compile("(\\*\\*|__)(\\S(?:.*?\\S)?)\\1");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
    private static final Pattern ALERT = Pattern.compile("(?m)^>\\s*\\[!\\w+\\]\\s*$");
    private static final Pattern BLOCKQUOTE = Pattern.compile("(?m)^ {0,3}> ?");
    private static final Pattern DOC_REFERENCE = Pattern.compile("\\[~?([A-Za-z_][\\w.]*)\\](?![(\\[:])");
    private static final Pattern LEADING_SPACE = Pattern.compile("(?m)^[ \\t]+");
    private static final Pattern TRAILING_SPACE = Pattern.compile("(?m)[ \\t]+$");
    private static final Pattern BLANK_RUN = Pattern.compile("\\n{3,}");

    private final TextBlocks blocks = new TextBlocks(TextBlocks.BLOCK_CHARS);

    @Override
    public Set<String> extensions() {
        return EXTENSIONS;
    }

    @Override
    public void read(Path file, String documentId, DocumentVisitor visitor) throws IOException {
        String source = TextDecoding.readAll(file, visitor, MAX_BYTES);
        Cleaned cleaned = clean(source);
        String title = cleaned.title().isBlank() ? TextBlocks.baseName(file) : cleaned.title();
        if (cleaned.text().isBlank()) {
            throw new DocumentException(DocumentException.Reason.EMPTY, file.toString(),
                    "no prose left after removing markup, skipped");
        }
        blocks.emitDocument(new StringReader(cleaned.text()), file.toString(), documentId, title,
                Map.of("format", "markdown"), visitor);
    }

    /** Markdown reduced to prose, and the title found in it (empty when none). */
    record Cleaned(String title, String text) {
    }

    static Cleaned clean(String markdown) {
        String[] lines = markdown.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        int i = 0;
        String title = "";
        if (lines.length > 0 && lines[0].strip().equals("---")) {
            int end = 1;
            while (end < lines.length && !lines[end].strip().equals("---") && !lines[end].strip().equals("...")) end++;
            if (end < lines.length) {
                for (int k = 1; k < end; k++) {
                    Matcher m = FRONT_MATTER_TITLE.matcher(lines[k].strip());
                    if (m.matches() && title.isEmpty()) title = unquote(m.group(1));
                }
                i = end + 1;
            }
        }
        StringBuilder out = new StringBuilder(markdown.length());
        StringBuilder prose = new StringBuilder();
        String fence = null;
        for (; i < lines.length; i++) {
            String line = lines[i];
            Matcher f = FENCE.matcher(line);
            if (fence == null && f.find()) {
                out.append(cleanProse(prose.toString()));
                prose.setLength(0);
                fence = f.group(1);
                continue;
            }
            if (fence != null) {
                String stripped = line.strip();
                char mark = fence.charAt(0);
                if (stripped.startsWith(fence) && stripped.chars().allMatch(c -> c == mark)) {
                    fence = null;
                    out.append('\n');
                } else {
                    out.append(line).append('\n');
                }
                continue;
            }
            if (title.isEmpty()) {
                Matcher h = HEADING.matcher(line);
                if (h.matches() && h.group(1).length() == 1) title = cleanInline(h.group(2)).strip();
            }
            prose.append(line).append('\n');
        }
        out.append(cleanProse(prose.toString()));
        String text = BLANK_RUN.matcher(out.toString()).replaceAll("\n\n").strip();
        return new Cleaned(title, text);
    }

    private static String cleanProse(String s) {
        if (s.isEmpty()) return s;
        s = HTML_COMMENT.matcher(s).replaceAll("");
        s = MDX_COMMENT.matcher(s).replaceAll("");
        s = REF_DEFINITION.matcher(s).replaceAll("");
        s = ALERT.matcher(s).replaceAll("");
        s = BLOCKQUOTE.matcher(s).replaceAll("");
        s = HEADING_MARK.matcher(s).replaceAll("$1");
        s = cleanInline(s);
        s = LEADING_SPACE.matcher(s).replaceAll("");
        return TRAILING_SPACE.matcher(s).replaceAll("");
    }

    private static String cleanInline(String s) {
        s = IMAGE.matcher(s).replaceAll("");
        s = AUTOLINK.matcher(s).replaceAll("");
        s = TAG.matcher(s).replaceAll("");
        s = LINK.matcher(s).replaceAll("$1");
        s = REF_LINK.matcher(s).replaceAll("$1");
        s = DOC_MARKER.matcher(s).replaceAll("");
        s = CODE_SPAN.matcher(s).replaceAll("$1");
        s = DOC_REFERENCE.matcher(s).replaceAll("$1");
        return STRONG.matcher(s).replaceAll("$2");
    }

    private static String unquote(String s) {
        s = s.strip();
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '\'') && s.charAt(s.length() - 1) == s.charAt(0)) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
