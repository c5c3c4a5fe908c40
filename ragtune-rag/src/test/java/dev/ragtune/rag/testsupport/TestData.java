package dev.ragtune.rag.testsupport;

import dev.ragtune.rag.eval.SquadDataset;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real question sets copied into {@code src/test/resources/data} (see ATTRIBUTION.md there). */
public final class TestData {
    public static final String SQUAD = "/data/squad-dev-v1.1-part1.json";
    public static final String FAQUAD = "/data/faquad-train.json";

    private TestData() {}

    public static SquadDataset load(String resource) {
        try (InputStream in = TestData.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("test resource " + resource + " is missing");
            return SquadDataset.read(in, resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
