package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Records everything a reader pushes, checking the event order as it goes. */
final class Collected implements DocumentVisitor {
    final Map<Document, List<Section>> sections = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    private Document open;

    static Collected read(Path file) throws IOException {
        Collected c = new Collected();
        DocumentReaders.read(file.getParent(), file, c);
        return c;
    }

    @Override
    public void startDocument(Document document) {
        assertThat(open).as("startDocument while another is open").isNull();
        open = document;
        sections.put(document, new ArrayList<>());
        events.add("start " + document.id());
    }

    @Override
    public void section(Section section) {
        assertThat(open).as("section outside a document").isNotNull();
        sections.get(open).add(section);
        events.add("section " + section.page() + "@" + section.offset());
    }

    @Override
    public void endDocument(Document document) {
        assertThat(document).isSameAs(open);
        open = null;
        events.add("end " + document.id());
    }

    @Override
    public void warning(String file, String message) {
        warnings.add(file + ": " + message);
    }

    /** The only document read. */
    Document single() {
        assertThat(sections).hasSize(1);
        assertThat(open).as("document left open").isNull();
        return sections.keySet().iterator().next();
    }

    /** Sections of the only document. */
    List<Section> singleSections() {
        return sections.get(single());
    }

    /** Concatenated text of the only document's sections (for unpaged formats: the document's text). */
    String text() {
        StringBuilder sb = new StringBuilder();
        for (Section s : singleSections()) sb.append(s.text());
        return sb.toString();
    }
}
