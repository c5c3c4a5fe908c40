package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.RetrieverContractTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The local folder backend against the retrieval seam's contract. */
class FolderRetrieverContractTest extends RetrieverContractTest {
    @TempDir Path tmp;

    @Override
    protected String newLocation() {
        return tmp.resolve("collection").toString();
    }
}
