package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class HtmlReaderTest extends DocumentReaderContract {
    @Override
    DocumentReader reader() {
        return new HtmlReader();
    }

    @Override
    Path writeSample(Path dir) throws IOException {
        return Files.writeString(dir.resolve("sample.html"),
                "<html><head><title>Sample</title></head><body><p>" + SENTENCE + "</p></body></html>");
    }

    @Test
    void squadExplorerPageKeepsTitleAndParagraphsButNotNavigation() throws IOException {
        Collected c = Collected.read(RealFiles.doc("squad-explorer-Black_Death.html"));
        Document doc = c.single();
        String text = c.text();
        assertThat(doc.title()).isEqualTo("SQuAD - the Stanford Question Answering Dataset");
        assertThat(doc.language()).isEqualTo(Language.ENGLISH);
        assertThat(text).contains("The Black Death is thought to have originated in the arid plains of Central Asia, "
                + "where it then travelled along the Silk Road, reaching Crimea by 1343.");
        // top navbar (div role=navigation) and bottom <nav> footer links are gone
        assertThat(text).doesNotContain("Explore 2.0", "Explore 1.1", "Stanford NLP Group", "jquery");
        // block elements end lines: the question is a line of its own
        assertThat(text).contains("\nWhere did the black death originate?\n");
        // adjacent inline answer spans do not glue together
        assertThat(text).contains("the arid plains of Central Asia Central Asia Central Asia");
    }

    @Test
    void scriptsStylesAndChromeAreDroppedAndMainIsPreferred() throws IOException {
        Path file = Files.writeString(dir.resolve("page.htm"), """
                <!doctype html><html><head><title> Página de teste </title>
                <style>body { color: red }</style><script>var secret = "script text";</script></head>
                <body><header>Site header</header><nav><a href="/">Menu link</a></nav>
                <aside>Sidebar ad</aside>
                <main><h1>Heading</h1><p>First   paragraph
                   wraps here.</p><p>Second paragraph.</p><ul><li>item one</li><li>item two</li></ul>
                <form><label>Search</label><input name="q"></form>
                <pre>code   keeps
                  spacing</pre></main>
                <footer>Copyright footer</footer></body></html>
                """);
        Collected c = Collected.read(file);
        assertThat(c.single().title()).isEqualTo("Página de teste");
        assertThat(c.text()).isEqualTo("Heading\nFirst paragraph wraps here.\nSecond paragraph.\nitem one\nitem two\n"
                + "code   keeps\n  spacing");
    }

    @Test
    void latin1PageWithoutCharsetFallsBackToWindows1252WithAWarning() throws IOException {
        String page = "<html><head><title>Proteção de dados</title></head><body><p>" + TextReaderTest.LGPD_ART_1
                + "</p></body></html>";
        Path file = Files.write(dir.resolve("lei.html"), page.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Collected c = Collected.read(file);
        assertThat(c.single().title()).isEqualTo("Proteção de dados");
        assertThat(c.text()).isEqualTo(TextReaderTest.LGPD_ART_1);
        assertThat(c.single().language()).isEqualTo(Language.PORTUGUESE);
        assertThat(c.warnings).singleElement().asString().startsWith(file.toString()).contains("windows-1252");
    }

    @Test
    void declaredCharsetIsHonoured() throws IOException {
        String page = "<html><head><meta charset=\"ISO-8859-1\"><title>Ação</title></head><body><p>Não.</p></body></html>";
        Path file = Files.write(dir.resolve("declared.html"), page.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        Collected c = Collected.read(file);
        assertThat(c.single().title()).isEqualTo("Ação");
        assertThat(c.text()).isEqualTo("Não.");
        assertThat(c.warnings).isEmpty();
    }

    @Test
    void largestArticleIsUsedWhenThereIsNoMainAndTitleFallsBackToH1() throws IOException {
        Path file = Files.writeString(dir.resolve("blog.html"), """
                <html><body><div>Outside text</div>
                <header>Site banner</header>
                <article><h1>Short teaser</h1></article>
                <article><header><h2>The real post</h2></header><p>Long body text of the real post goes here.</p>
                <footer>Posted in news</footer></article>
                <footer>Site footer</footer></body></html>
                """);
        Collected c = Collected.read(file);
        assertThat(c.single().title()).isEqualTo("Short teaser");
        // header and footer inside the article belong to the post and stay
        assertThat(c.text()).isEqualTo("The real post\nLong body text of the real post goes here.\nPosted in news");
    }
}
