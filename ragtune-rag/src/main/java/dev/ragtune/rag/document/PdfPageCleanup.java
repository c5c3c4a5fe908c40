package dev.ragtune.rag.document;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans the text of a PDF's pages, all pages at once, since what repeats is known only over the whole document:
 * <ul>
 *   <li>running headers and footers: a line among the first or last {@value #EDGE_LINES} lines of a page that
 *       repeats, digits aside, at the edge of at least a quarter of the pages (and of 3) is dropped, and so is an
 *       edge line that is only a page number ("12", "Page 3 of 9", "- 4 -", "xii");</li>
 *   <li>words hyphenated at a line end are rejoined, decided with the document's own vocabulary: "Consti-" +
 *       "tuição" becomes "Constituição" when the document writes "constituição" elsewhere; it stays "pré-treinado"
 *       when the document writes "pré-treinado" elsewhere, or when both halves are words of the document
 *       ("sentence-transformers"); otherwise a lower-case continuation is joined;</li>
 *   <li>table rows (lines of three or more cells, most of them numbers) are kept with their column header: the line
 *       before the first row is repeated before each row as {@code header: row}, so a chunk holding a row says
 *       what its numbers are.</li>
 * </ul>
 * Pure: text in, text out.
 */
final class PdfPageCleanup {
    static final int EDGE_LINES = 3;
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern PAGE_NUMBER = Pattern.compile("(?i)[-–—\\s]*((page|página|pág\\.?|p\\.)\\s*)?"
            + "(\\d{1,4}|[ivxlc]{1,7})(\\s*(of|de|/)\\s*\\d{1,4})?[-–—\\s]*");
    private static final Pattern WORD = Pattern.compile("[\\p{L}][\\p{L}'’-]*[\\p{L}]|[\\p{L}]");
    private static final Pattern HYPHEN_END = Pattern.compile("([\\p{L}]+)-$");
    private static final Pattern FIRST_WORD = Pattern.compile("^([\\p{L}]+)");
    private static final Pattern NUMBER_CELL = Pattern.compile("[-+±]?[\\d.,]+[%×x]?|[-–—]");

    /** What was cleaned, for reports. */
    record Counts(int headerFooterLines, int pageNumberLines, int hyphenJoins, int hyphensKept, int tableRows) {}

    private int headerFooterLines, pageNumberLines, hyphenJoins, hyphensKept, tableRows;

    /** The cleaned text of each page, in order. */
    List<String> clean(List<String> pages) {
        List<List<String>> lines = new ArrayList<>();
        for (String p : pages) lines.add(new ArrayList<>(List.of(p.split("\n", -1))));
        Set<String> running = runningLines(lines);
        for (List<String> page : lines) dropEdges(page, running);
        Vocabulary vocabulary = new Vocabulary(lines);
        List<String> out = new ArrayList<>(pages.size());
        for (List<String> page : lines) out.add(String.join("\n", headTables(joinHyphens(page, vocabulary))));
        return out;
    }

    Counts counts() {
        return new Counts(headerFooterLines, pageNumberLines, hyphenJoins, hyphensKept, tableRows);
    }

    static String key(String line) {
        return DIGITS.matcher(line.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT)).replaceAll("#");
    }

    /** The keys ({@link #key}) of the running header and footer lines of these pages. */
    static Set<String> runningKeys(List<String> pages) {
        List<List<String>> lines = new ArrayList<>();
        for (String p : pages) lines.add(List.of(p.split("\n", -1)));
        return runningLines(lines);
    }

    /** Edge lines (digits aside) that repeat on at least a quarter of the pages, and on at least 3. */
    private static Set<String> runningLines(List<List<String>> pages) {
        Map<String, Integer> count = new HashMap<>();
        for (List<String> page : pages) {
            Set<String> seen = new HashSet<>();
            for (int i : edgeIndexes(page)) {
                String k = key(page.get(i));
                if (!k.isEmpty() && seen.add(k)) count.merge(k, 1, Integer::sum);
            }
        }
        int min = Math.max(3, (int) Math.ceil(pages.size() / 4.0));
        Set<String> out = new HashSet<>();
        count.forEach((k, n) -> {
            if (n >= min) out.add(k);
        });
        return out;
    }

    /** Indexes of the first and last {@value #EDGE_LINES} non-blank lines. */
    private static List<Integer> edgeIndexes(List<String> page) {
        List<Integer> nonBlank = new ArrayList<>();
        for (int i = 0; i < page.size(); i++) if (!page.get(i).isBlank()) nonBlank.add(i);
        Set<Integer> out = new java.util.TreeSet<>();
        for (int j = 0; j < Math.min(EDGE_LINES, nonBlank.size()); j++) {
            out.add(nonBlank.get(j));
            out.add(nonBlank.get(nonBlank.size() - 1 - j));
        }
        return new ArrayList<>(out);
    }

    private void dropEdges(List<String> page, Set<String> running) {
        List<Integer> edges = edgeIndexes(page);
        for (int j = edges.size() - 1; j >= 0; j--) {
            int i = edges.get(j);
            String line = page.get(i);
            if (running.contains(key(line))) {
                page.remove(i);
                headerFooterLines++;
            } else if (PAGE_NUMBER.matcher(line).matches()) {
                page.remove(i);
                pageNumberLines++;
            }
        }
    }

    /** The document's words (lower case) as written, hyphenated compounds included, line-end fragments excluded. */
    private static final class Vocabulary {
        final Set<String> words = new HashSet<>();

        Vocabulary(List<List<String>> pages) {
            for (List<String> page : pages) {
                for (String line : page) {
                    String body = HYPHEN_END.matcher(line.stripTrailing()).replaceAll("");
                    Matcher m = WORD.matcher(body);
                    boolean first = true;
                    while (m.find()) {
                        // a line's first word may be the tail of a hyphenated word: not a word of its own
                        if (!(first && m.start() == 0 && Character.isLowerCase(body.charAt(0)))) {
                            words.add(m.group().toLowerCase(Locale.ROOT));
                        }
                        first = false;
                    }
                }
            }
        }

        boolean has(String word) {
            return words.contains(word.toLowerCase(Locale.ROOT));
        }
    }

    private List<String> joinHyphens(List<String> page, Vocabulary vocabulary) {
        List<String> out = new ArrayList<>(page.size());
        for (int i = 0; i < page.size(); i++) {
            String line = page.get(i);
            while (i + 1 < page.size()) {
                Matcher end = HYPHEN_END.matcher(line.stripTrailing());
                if (!end.find()) break;
                String next = page.get(i + 1).stripLeading();
                Matcher start = FIRST_WORD.matcher(next);
                if (!start.find()) break;
                String left = end.group(1);
                String right = start.group(1);
                String body = line.stripTrailing();
                body = body.substring(0, body.length() - 1); // without the hyphen
                boolean keep;
                if (vocabulary.has(left + right)) keep = false;
                else if (vocabulary.has(left + "-" + right)) keep = true;
                else if (vocabulary.has(left) && vocabulary.has(right) && left.length() > 1) keep = true;
                else keep = !Character.isLowerCase(right.charAt(0));
                if (keep) hyphensKept++;
                else hyphenJoins++;
                // the rest of the next line stays on it; the joined word ends this line
                line = body + (keep ? "-" : "") + right;
                String rest = next.substring(right.length()).stripLeading();
                i++;
                page.set(i, rest);
                if (!rest.isEmpty()) {
                    out.add(line);
                    line = rest;
                } else {
                    // the next line was only the word's tail: keep joining from it
                }
            }
            out.add(line);
        }
        out.removeIf(String::isEmpty);
        return out;
    }

    /** Repeats the column header line before each table row. */
    private List<String> headTables(List<String> page) {
        List<String> out = new ArrayList<>(page.size());
        String header = null;
        for (int i = 0; i < page.size(); i++) {
            String line = page.get(i);
            if (isRow(line)) {
                if (header == null) {
                    header = i > 0 && !isRow(page.get(i - 1)) ? page.get(i - 1).strip() : "";
                }
                out.add(header.isEmpty() ? line : header + ": " + line.strip());
                if (!header.isEmpty()) tableRows++;
            } else {
                header = null;
                out.add(line);
            }
        }
        return out;
    }

    /** Three or more cells, more than half of them numbers. */
    static boolean isRow(String line) {
        String[] cells = line.strip().split("\\s+");
        if (cells.length < 3) return false;
        int numbers = 0;
        for (String c : cells) if (NUMBER_CELL.matcher(c).matches()) numbers++;
        return numbers * 2 > cells.length;
    }
}
