package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TextReaderTest extends DocumentReaderContract {
    /** Art. 1º of the LGPD (Lei 13.709/2018), as printed in the test PDF. */
    static final String LGPD_ART_1 = "Art. 1º Esta Lei dispõe sobre o tratamento de dados pessoais, inclusive nos "
            + "meios digitais, por pessoa natural ou por pessoa jurídica de direito público ou privado, com o objetivo "
            + "de proteger os direitos fundamentais de liberdade e de privacidade e o livre desenvolvimento da "
            + "personalidade da pessoa natural.";

    @Override
    DocumentReader reader() {
        return new TextReader();
    }

    @Override
    Path writeSample(Path dir) throws IOException {
        return Files.writeString(dir.resolve("sample.txt"), "A sample\n\n" + SENTENCE + "\n");
    }

    @Test
    void smallBlocksCutAfterBlankLinesAndCoverTheTextExactly() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int p = 0; p < 40; p++) {
            text.append("Paragraph ").append(p).append(" has a first sentence. And a second one.\n\n");
        }
        Path file = Files.writeString(dir.resolve("paras.txt"), text);
        Collected c = new Collected();
        new TextReader(200).read(file, "paras.txt", c);
        List<Section> sections = c.singleSections();
        assertThat(sections).hasSizeGreaterThan(5);
        assertThat(c.text()).isEqualTo(text.toString());
        for (Section s : sections.subList(0, sections.size() - 1)) {
            assertThat(s.text()).endsWith("one.\n\n");
            assertThat(s.text().length()).isBetween(100, 200);
        }
        int offset = 0;
        for (Section s : sections) {
            assertThat(s.page()).isZero();
            assertThat(s.offset()).isEqualTo(offset);
            assertThat(text.substring(s.offset(), s.offset() + s.text().length())).isEqualTo(s.text());
            offset += s.text().length();
        }
    }

    @Test
    void latin1PortugueseFallsBackToWindows1252WithAWarningNamingTheFile() throws IOException {
        Path file = dir.resolve("lei.txt");
        Files.write(file, (LGPD_ART_1 + "\n").getBytes(StandardCharsets.ISO_8859_1));
        Collected c = Collected.read(file);
        assertThat(c.text()).isEqualTo(LGPD_ART_1 + "\n");
        assertThat(c.single().language()).isEqualTo(Language.PORTUGUESE);
        assertThat(c.single().metadata()).containsEntry("charset", "windows-1252");
        assertThat(c.warnings).singleElement().asString().startsWith(file.toString()).contains("windows-1252");
    }

    @Test
    void invalidUtf8AfterTheSniffedPrefixStillFallsBack() throws IOException {
        byte[] ascii = "plain ascii text. ".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
        byte[] latin1 = "dispõe\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = Arrays.copyOf(ascii, ascii.length + latin1.length);
        System.arraycopy(latin1, 0, all, ascii.length, latin1.length);
        Path file = Files.write(dir.resolve("late.txt"), all);
        Collected c = Collected.read(file);
        assertThat(c.text()).endsWith("dispõe\n").hasSize(ascii.length + 7);
        assertThat(c.warnings).hasSize(1);
    }

    @Test
    void validUtf8IsDecodedAsUtf8WithoutWarning() throws IOException {
        Path file = Files.writeString(dir.resolve("lei.txt"), LGPD_ART_1, StandardCharsets.UTF_8);
        Collected c = Collected.read(file);
        assertThat(c.text()).isEqualTo(LGPD_ART_1);
        assertThat(c.warnings).isEmpty();
    }

    @Test
    void byteOrderMarkIsDroppedAndOffsetsCountFromAfterIt() throws IOException {
        Path file = Files.writeString(dir.resolve("bom.txt"), "\uFEFFHello there. Bye.", StandardCharsets.UTF_8);
        Collected c = Collected.read(file);
        assertThat(c.text()).isEqualTo("Hello there. Bye.");
        assertThat(c.singleSections().get(0).offset()).isZero();
    }

    @Test
    void nulBytesMeanBinaryNotText() throws IOException {
        byte[] junk = new byte[4096];
        new java.util.Random(7).nextBytes(junk);
        junk[100] = 0;
        Path file = Files.write(dir.resolve("junk.txt"), junk);
        assertThatThrownBy(() -> Collected.read(file))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.BINARY))
                .hasMessageStartingWith(file.toString()).hasMessageContaining("binary, not text");
    }

    @Test
    void manyControlCharactersWithoutNulMeanBinary() throws IOException {
        byte[] bytes = new byte[2000];
        for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) (i % 10 == 0 ? 0x01 + i % 7 : 'a');
        Path file = Files.write(dir.resolve("ctrl.txt"), bytes);
        assertThatThrownBy(() -> Collected.read(file)).isInstanceOfSatisfying(DocumentException.class,
                e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.BINARY));
    }

    @Test
    void whitespaceOnlyIsEmpty() throws IOException {
        Path file = Files.writeString(dir.resolve("blank.txt"), " \n\n\t \r\n");
        assertThatThrownBy(() -> Collected.read(file))
                .isInstanceOfSatisfying(DocumentException.class,
                        e -> assertThat(e.reason()).isEqualTo(DocumentException.Reason.EMPTY))
                .hasMessageContaining("skipped");
    }
}
