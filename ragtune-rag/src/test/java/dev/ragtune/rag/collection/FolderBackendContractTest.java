package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.RetrieverContractTest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The seam's contract, on the local folder backend. */
class FolderBackendContractTest extends RetrieverContractTest {
    @TempDir Path dir;
    private final AtomicInteger next = new AtomicInteger();

    @Override
    protected String newLocation() {
        return dir.resolve("corpus-" + next.incrementAndGet()).toString();
    }
}
