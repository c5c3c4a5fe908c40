package dev.ragtune.rag.collection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An open collection tells when a writer (of any process) has committed a generation it does not show. */
class CollectionStalenessTest {
    @TempDir Path tmp;

    @Test
    void aReaderIsStaleOnceAnotherGenerationIsCommittedAndANewReaderIsNot() throws IOException {
        Path dir = tmp.resolve("col");
        HashingEmbedder embedder = new HashingEmbedder();
        Path doc = Files.writeString(tmp.resolve("a.txt"), "Alpha beta gamma.\n");
        try (CollectionWriter w = CollectionWriter.open(dir, embedder, CollectionTest.flat())) {
            new Ingestion(w, embedder, null).run(List.of(doc));
            w.commit();
        }
        try (Collection reader = Collection.open(dir)) {
            assertThat(reader.stale()).isFalse();
            try (CollectionWriter w = CollectionWriter.open(dir, embedder, CollectionTest.flat())) {
                w.remove(doc.toAbsolutePath().normalize().toString());
                assertThat(reader.stale()).as("nothing committed yet").isFalse();
                w.commit();
            }
            assertThat(reader.stale()).isTrue();
            assertThat(reader.size()).as("the open reader still shows its own generation").isEqualTo(1);
            try (Collection fresh = Collection.open(dir)) {
                assertThat(fresh.stale()).isFalse();
                assertThat(fresh.size()).isZero();
            }
        }
    }
}
