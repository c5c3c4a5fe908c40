package dev.ragtune.rag.collection;

import dev.ragtune.rag.corpus.CorpusCommitAndRankingContractTest;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The seam's commit, abort and ranking contract, on the local folder backend. */
class FolderCommitAndRankingContractTest extends CorpusCommitAndRankingContractTest {
    @TempDir Path dir;
    private final AtomicInteger next = new AtomicInteger();

    @Override
    protected String newLocation() {
        return dir.resolve("corpus-" + next.incrementAndGet()).toString();
    }
}
