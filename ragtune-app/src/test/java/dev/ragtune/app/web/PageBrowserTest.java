package dev.ragtune.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real browser (Debian's chromium through chromedriver): upload with progress, ask, a cited page that
 * opens the stored PDF, delete; hostile text stays text; another origin cannot upload. Screenshots of the main states
 * go to {@code target/screenshots}.
 */
class PageBrowserTest {
    static final Path SHOTS = Path.of("target", "screenshots");
    @TempDir static Path tmp;
    static OnnxEmbedder embedder;
    static WebServer server;
    static Http http;
    static Path chromium;
    static Path chromedriver;

    @BeforeAll
    static void start() throws IOException {
        chromium = onPath("chromium").orElse(null);
        chromedriver = onPath("chromedriver").orElse(null);
        Assumptions.assumeTrue(chromium != null && chromedriver != null,
                "chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
        Files.createDirectories(SHOTS);
        embedder = OnnxEmbedder.allMiniLmL6V2();
        server = new WebServer(tmp.resolve("col").toString(), embedder, null, new ExtractiveGenerator(embedder, null),
                null, ServeSettings.local(tmp.resolve("col").resolve("uploads"))).start();
        http = new Http(server.port());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
        if (embedder != null) embedder.close();
    }

    static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    static WebDriver browser(String languages) throws IOException {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium.toFile());
        o.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1400", "--lang=" + languages.split(",")[0],
                "--user-data-dir=" + Files.createTempDirectory(tmp, "chromium-"));
        o.setExperimentalOption("prefs", Map.of("intl.accept_languages", languages));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    static void shot(WebDriver d, String name) throws IOException {
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    }

    static WebDriverWait waiting(WebDriver d) {
        return new WebDriverWait(d, Duration.ofSeconds(90));
    }

    /** A PDF whose second page holds the answer. */
    static Path pdf(Path file) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            String[] pages = {"Chapter one is about the weather in Lisbon, which is mild in winter.",
                    "The capybara is the largest living rodent and lives near rivers in South America."};
            for (String text : pages) {
                PDPage page = new PDPage();
                doc.addPage(page);
                try (PDPageContentStream cs = new PDPageContentStream(doc, page)) {
                    cs.beginText();
                    cs.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                    cs.newLineAtOffset(72, 700);
                    cs.showText(text);
                    cs.endText();
                }
            }
            doc.save(file.toFile());
        }
        return file;
    }

    @Test
    void uploadWithProgressThenAskThenOpenTheCitedPageThenDeleteInPortuguese() throws Exception {
        Path file = pdf(tmp.resolve("animais.pdf"));
        WebDriver d = browser("pt-BR,pt");
        try {
            d.get("http://127.0.0.1:" + server.port() + "/");
            assertThat(d.findElement(By.id("docs-title")).getText()).isEqualTo("1. Documentos");
            assertThat(d.findElement(By.id("ask-btn")).getText()).isEqualTo("Perguntar");
            d.findElement(By.id("files")).sendKeys(file.toString());
            d.findElement(By.id("upload-btn")).click();
            WebElement status = d.findElement(By.id("upload-status"));
            waiting(d).until(x -> status.getAttribute("data-state") != null);
            assertThat(status.getAttribute("data-state")).as(status.getText()).isEqualTo("done");
            WebElement bar = d.findElement(By.id("upload-progress"));
            assertThat(bar.isDisplayed()).isTrue();
            assertThat(bar.getAttribute("value")).isEqualTo("1");
            assertThat(status.getText()).contains("1 indexado(s)");
            shot(d, "1-uploaded");

            d.findElement(By.id("question")).sendKeys("What is the largest living rodent?");
            d.findElement(By.id("ask-btn")).click();
            WebElement result = d.findElement(By.id("result"));
            waiting(d).until(x -> result.getAttribute("data-state") != null);
            assertThat(result.getAttribute("data-state")).isEqualTo("answered");
            assertThat(d.findElement(By.id("answer")).getText()).contains("capybara");
            WebElement link = d.findElement(By.cssSelector("#sources a.source-link"));
            assertThat(link.getText()).contains("animais.pdf, p. 2");
            String href = link.getAttribute("href");
            assertThat(href).endsWith("#page=2");
            shot(d, "2-answered");
            Http.Response pdf = http.get(href.substring(href.indexOf("/api/"), href.indexOf('#')));
            assertThat(pdf.status()).isEqualTo(200);
            assertThat(pdf.raw().headers().firstValue("content-type").orElse("")).isEqualTo("application/pdf");
            assertThat(pdf.body()).startsWith("%PDF");

            assertThat(pdf.raw().headers().firstValue("content-security-policy").orElse(""))
                    .as("no object-src 'none' that would keep the browser's PDF viewer out").isEqualTo("frame-ancestors 'none'");
            d.findElement(By.cssSelector("#docs button.delete")).click();
            waiting(d).until(x -> d.findElement(By.id("docs")).getText().contains("Nenhum documento ainda."));
            shot(d, "3-deleted");
            assertThat(http.get("/api/documents").json()).isEmpty();
        } finally {
            d.quit();
        }
    }

    @Test
    void hostileTextInADocumentAndAQuestionStaysTextInEnglish() throws Exception {
        Path file = tmp.resolve("hostile.txt");
        Files.writeString(file, "Hostile.\n\nThe wombat <img src=x onerror=\"document.title='XSS-doc'\"> digs burrows "
                + "<script>document.title='XSS-script'</script> at night.\n");
        WebDriver d = browser("en-US,en");
        try {
            d.get("http://127.0.0.1:" + server.port() + "/");
            assertThat(d.findElement(By.id("docs-title")).getText()).isEqualTo("1. Documents");
            d.findElement(By.id("files")).sendKeys(file.toString());
            d.findElement(By.id("upload-btn")).click();
            WebElement status = d.findElement(By.id("upload-status"));
            waiting(d).until(x -> status.getAttribute("data-state") != null);
            assertThat(status.getAttribute("data-state")).as(status.getText()).isEqualTo("done");
            d.findElement(By.id("question")).sendKeys("Where does the wombat dig? <img src=x onerror=\"document.title='XSS-q'\">");
            d.findElement(By.id("ask-btn")).click();
            WebElement result = d.findElement(By.id("result"));
            waiting(d).until(x -> result.getAttribute("data-state") != null);
            shot(d, "4-hostile-text");
            assertThat(d.getTitle()).doesNotContain("XSS");
            assertThat(d.findElements(By.cssSelector("#result img, #docs img"))).isEmpty();
            assertThat(d.findElement(By.id("contexts")).getText()).contains("<img src=x onerror=").contains("<script>");
            assertThat(d.findElement(By.id("asked")).getText()).contains("<img src=x onerror=\"document.title='XSS-q'\">");
            assertThat(((JavascriptExecutor) d).executeScript("return document.querySelectorAll('script').length")).isEqualTo(1L);
        } finally {
            d.quit();
            for (com.fasterxml.jackson.databind.JsonNode doc : http.get("/api/documents").json()) {
                http.delete("/api/documents/" + doc.get("id").asText());
            }
        }
    }

    /** A generative model stand-in: without contexts it does not know; with them it quotes the first, cited. */
    record Scripted() implements dev.ragtune.rag.answer.Generator {
        public String mode() {
            return "generative";
        }

        public String id() {
            return "scripted";
        }

        public int countTokens(String text) {
            return text.split("\\s+").length;
        }

        public int maxInputTokens() {
            return 512;
        }

        public dev.ragtune.rag.answer.Generation generate(dev.ragtune.rag.answer.GenerationRequest r) {
            String text = r.contexts().isEmpty() ? "I do not know." : r.contexts().get(0).text() + " [1]";
            return new dev.ragtune.rag.answer.Generation(text, List.of());
        }
    }

    @Test
    void withAModelTheAnswerWithoutRagIsShownBesideTheAnswerWithRag() throws Exception {
        Scripted model = new Scripted();
        try (WebServer s = new WebServer(tmp.resolve("col-model").toString(), embedder, null, model, model,
                ServeSettings.local(tmp.resolve("col-model").resolve("uploads"))).start()) {
            new Http(s.port()).ingest("otter.md", "# Otter\n\nThe sea otter uses stones as tools to open shells.\n");
            WebDriver d = browser("en-US,en");
            try {
                d.get("http://127.0.0.1:" + s.port() + "/");
                WebElement compare = d.findElement(By.id("compare"));
                waiting(d).until(x -> compare.isDisplayed());
                compare.click();
                d.findElement(By.id("question")).sendKeys("What does the sea otter use as tools?");
                d.findElement(By.id("ask-btn")).click();
                WebElement result = d.findElement(By.id("result"));
                waiting(d).until(x -> result.getAttribute("data-state") != null
                        && !d.findElement(By.id("norag-answer")).getText().equals("…"));
                shot(d, "6-rag-vs-no-rag");
                assertThat(d.findElement(By.id("answer")).getText()).contains("stones as tools");
                assertThat(d.findElement(By.id("norag-col")).isDisplayed()).isTrue();
                assertThat(d.findElement(By.id("norag-answer")).getText()).isEqualTo("I do not know.");
                assertThat(d.findElement(By.cssSelector("#sources a.source-link")).getText()).contains("otter.md");
            } finally {
                d.quit();
            }
        }
    }

    @Test
    void withATokenThePageTakesItFromTheLinkOrAsksForIt() throws Exception {
        try (WebServer s = new WebServer(tmp.resolve("col-token").toString(), embedder, null,
                new ExtractiveGenerator(embedder, null), null,
                ServeSettings.local(tmp.resolve("col-token").resolve("uploads")).withToken("tok-123"))) {
            s.start();
            new Http(s.port(), Map.of("Authorization", "Bearer tok-123")).ingest("emu.md", "# Emu\n\nThe emu cannot fly.\n");
            WebDriver d = browser("en-US,en");
            try {
                d.get("http://127.0.0.1:" + s.port() + "/#token=tok-123");
                waiting(d).until(x -> d.findElement(By.id("docs")).getText().contains("emu.md"));
                assertThat(d.getCurrentUrl()).doesNotContain("tok-123");
                assertThat(d.findElement(By.id("auth")).isDisplayed()).isFalse();
            } finally {
                d.quit();
            }
            WebDriver fresh = browser("en-US,en");
            try {
                fresh.get("http://127.0.0.1:" + s.port() + "/");
                WebElement auth = fresh.findElement(By.id("auth"));
                waiting(fresh).until(x -> auth.isDisplayed());
                shot(fresh, "7-token-asked");
                fresh.findElement(By.id("token")).sendKeys("tok-123");
                fresh.findElement(By.cssSelector("#auth-form button")).click();
                waiting(fresh).until(x -> fresh.findElement(By.id("docs")).getText().contains("emu.md"));
            } finally {
                fresh.quit();
            }
        }
    }

    @Test
    void aPageFromAnotherOriginCannotUpload() throws Exception {
        String target = "http://127.0.0.1:" + server.port() + "/api/documents";
        String evil = "<!doctype html><title>evil</title><script>"
                + "const fd = new FormData(); fd.append('file', new Blob(['# pwned\\n\\nowned by evil'], {type:'text/markdown'}), 'pwned.md');"
                + "fetch('" + target + "', {method:'POST', body: fd, mode:'no-cors'})"
                + ".then(() => document.title = 'sent', () => document.title = 'blocked');</script>";
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            byte[] body = evil.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        other.start();
        WebDriver d = browser("en-US,en");
        try {
            d.get("http://localhost:" + other.getAddress().getPort() + "/");
            waiting(d).until(x -> !x.getTitle().equals("evil"));
            shot(d, "5-cross-origin");
            Thread.sleep(500); // had the upload been accepted, its job would have been queued by now
            assertThat(http.get("/api/documents").json()).noneSatisfy(doc ->
                    assertThat(doc.get("name").asText()).isEqualTo("pwned.md"));
            try (Stream<Path> s = Files.walk(tmp.resolve("col"))) {
                List<Path> pwned = s.filter(p -> p.getFileName().toString().equals("pwned.md")).toList();
                assertThat(pwned).isEmpty();
            }
        } finally {
            d.quit();
            other.stop(0);
        }
    }
}
