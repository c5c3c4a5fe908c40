package dev.ragtune.rag.collection;

import dev.ragtune.rag.testsupport.HashingEmbedder;
import java.nio.file.Path;
import java.util.Map;

/** Run in a child JVM by {@link CollectionTest}: holds a collection's writer lock until its stdin closes. */
public final class LockHolder {
    private LockHolder() {}

    public static void main(String[] args) throws Exception {
        try (CollectionWriter w = CollectionWriter.open(Path.of(args[0]), new HashingEmbedder(),
                new CollectionSettings(new Manifest.IndexInfo("flat", Map.of()), false, null, "auto"))) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the parent to close our stdin
            }
        }
    }
}
