package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ingest loop documented on {@link Chunker#visitor}: bad files are reported by reason, the others go in. */
class FolderIngestTest {
    @TempDir
    Path root;

    @Test
    void badFilesAreReportedAndSkippedWhileTheOthersAreChunked() throws IOException {
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("good.txt"), "A good text file. It has two sentences.");
        Files.writeString(root.resolve("sub/guide.md"), "# Guide\n\nSome *useful* guidance here.\n");
        Files.write(root.resolve("lei-latin1.txt"), TextReaderTest.LGPD_ART_1.getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(root.resolve("corpus.jsonl"), "{\"id\": \"q1\", \"text\": \"First passage.\"}\n{oops}\n");
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.write(root.resolve("junk.txt"), new byte[] {'a', 0, 1, 2, 3, 'b'});
        Files.writeString(root.resolve("slides.pptx"), "not really");
        PdfReaderTest.writeEncrypted(root.resolve("secret.pdf"));
        PdfReaderTest.writeImageOnly(root.resolve("scan.pdf"));
        byte[] paper = Files.readAllBytes(RealFiles.doc("squad-1606.05250v3.pdf"));
        Files.write(root.resolve("sub/cut.pdf"), java.util.Arrays.copyOf(paper, 3000));

        List<Chunk> chunks = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, DocumentException.Reason> refused = new TreeMap<>();
        DocumentVisitor chunking = new Chunker(new WhitespaceTokenCounter()).visitor(new ChunkSink() {
            @Override
            public void accept(Document document, List<Chunk> batch) {
                chunks.addAll(batch);
            }

            @Override
            public void warning(String file, String message) {
                warnings.add(root.relativize(Path.of(file)) + ": " + message);
            }
        });
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
            try {
                DocumentReaders.read(root, file, chunking);
            } catch (DocumentException e) {
                assertThat(e.getMessage()).startsWith(file.toString());
                refused.put(DocumentReaders.documentId(root, file), e.reason());
            }
        }

        assertThat(chunks).extracting(Chunk::id).containsExactlyInAnyOrder(
                "good.txt#0", "sub/guide.md#0", "lei-latin1.txt#0", "q1#0");
        assertThat(chunks).filteredOn(c -> c.docId().equals("lei-latin1.txt")).singleElement()
                .extracting(Chunk::text).isEqualTo(TextReaderTest.LGPD_ART_1);
        assertThat(refused).containsExactlyEntriesOf(new TreeMap<>(Map.of(
                "empty.txt", DocumentException.Reason.EMPTY,
                "junk.txt", DocumentException.Reason.BINARY,
                "scan.pdf", DocumentException.Reason.NO_TEXT,
                "secret.pdf", DocumentException.Reason.ENCRYPTED,
                "slides.pptx", DocumentException.Reason.UNSUPPORTED,
                "sub/cut.pdf", DocumentException.Reason.CORRUPT)));
        assertThat(warnings).hasSize(2);
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("corpus.jsonl: line 2: not valid JSON"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).startsWith("lei-latin1.txt: not valid UTF-8"));
    }
}
