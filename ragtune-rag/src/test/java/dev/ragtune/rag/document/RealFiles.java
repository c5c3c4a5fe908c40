package dev.ragtune.rag.document;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources copied from the project's shared data (see the ATTRIBUTION.md beside them). */
final class RealFiles {
    private RealFiles() {
    }

    static Path doc(String name) {
        return resource("/docs/" + name);
    }

    static Path miniLmTokenizer() {
        return resource("/tokenizer/all-MiniLM-L6-v2-tokenizer.json");
    }

    private static Path resource(String name) {
        URL url = RealFiles.class.getResource(name);
        if (url == null) throw new IllegalStateException("missing test resource " + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
