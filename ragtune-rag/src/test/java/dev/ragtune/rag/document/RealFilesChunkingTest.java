package dev.ragtune.rag.document;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Chunks every real test document under two tokenizers and checks the chunk invariants against its sections. */
class RealFilesChunkingTest {
    private static HuggingFaceTokenizer miniLm;

    @BeforeAll
    static void loadTokenizer() throws IOException {
        miniLm = HuggingFaceTokenizer.builder()
                .optTokenizerPath(RealFiles.miniLmTokenizer())
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
    }

    @AfterAll
    static void closeTokenizer() {
        miniLm.close();
    }

    static Stream<String> documents() {
        return Stream.of("lgpd-lei-13709-2018.pdf", "squad-1606.05250v3.pdf", "squad-explorer-Black_Death.html",
                "peft-quicktour.md", "hf-course-pt-chapter1-5.mdx", "hf-course-pt-chapter2-1.mdx");
    }

    @ParameterizedTest
    @MethodSource("documents")
    void chunksAreExactSubstringsWithinBudgetUnderWhitespaceCounting(String name) throws IOException {
        checkDocument(name, new WhitespaceTokenCounter(), 200, 32);
        checkDocument(name, new WhitespaceTokenCounter(), 40, 8);
    }

    @ParameterizedTest
    @MethodSource("documents")
    void chunksFitTheMiniLmTokenizerBudget(String name) throws IOException {
        TokenCounter wordPiece = text -> miniLm.encode(text).getIds().length;
        assertThat(wordPiece.count("Hello world")).isEqualTo(2); // no [CLS]/[SEP], no padding to 128
        assertThat(wordPiece.count("tokenization")).isEqualTo(2); // token ##ization
        assertThat(wordPiece.count("word ".repeat(300))).isEqualTo(300); // no truncation at 128
        List<Chunk> chunks = checkDocument(name, wordPiece, 200, 32);
        // packing is tight: chunks that are not the last of their section use most of the budget
        double mean = chunks.stream().mapToInt(c -> wordPiece.count(c.text())).average().orElse(0);
        if (chunks.size() > 4) assertThat(mean).as("mean tokens per chunk").isGreaterThan(120);
    }

    private static List<Chunk> checkDocument(String name, TokenCounter counter, int budget, int overlap) throws IOException {
        Path file = RealFiles.doc(name);
        Map<Document, List<Section>> read = Collected.read(file).sections;
        Document doc = read.keySet().iterator().next();
        List<Section> sections = read.get(doc);
        Chunker chunker = new Chunker(counter, budget, overlap);
        List<Chunk> all = new ArrayList<>();
        for (Section section : sections) {
            List<Chunk> chunks = chunker.chunk(doc, section, all.size());
            ChunkerTest.checkInvariants(section.text(), section.offset(), chunks, counter, budget);
            assertThat(chunks).allSatisfy(c -> assertThat(c.page()).isEqualTo(section.page()));
            all.addAll(chunks);
        }
        assertThat(all).isNotEmpty();
        for (int i = 0; i < all.size(); i++) assertThat(all.get(i).id()).isEqualTo(doc.id() + "#" + i);
        return all;
    }
}
