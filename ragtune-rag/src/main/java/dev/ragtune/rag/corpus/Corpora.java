package dev.ragtune.rag.corpus;

import dev.ragtune.rag.embed.Embedder;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

/**
 * Opens a corpus by location with the backend that claims it: a URI ({@code scheme://…}) goes to the backend of its
 * scheme, anything else is a local folder.
 */
public final class Corpora {
    private static final Pattern URI = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    private Corpora() {}

    /** The backends on the class path. */
    public static List<CorpusBackend> backends() {
        List<CorpusBackend> out = new ArrayList<>();
        ServiceLoader.load(CorpusBackend.class, Corpora.class.getClassLoader()).forEach(out::add);
        return out;
    }

    /** The backend for {@code location}; an unknown URI scheme is an error naming the modules that add one. */
    public static CorpusBackend backendFor(String location) {
        if (location == null || location.isBlank()) throw new IllegalArgumentException("the collection location is empty");
        List<CorpusBackend> all = backends();
        for (CorpusBackend b : all) {
            if (b.accepts(location)) return b;
        }
        List<String> names = all.stream().map(CorpusBackend::name).toList();
        if (URI.matcher(location).matches()) {
            throw new CorpusException("no backend serves '" + location + "' (backends here: " + names + "); use a "
                    + "folder, solr://ZK_HOST:PORT[,…]/NAME or solr+http://HOST:PORT/solr/NAME");
        }
        throw new CorpusException("no backend serves the folder '" + location + "' (backends here: " + names + ")");
    }

    public static boolean exists(String location) {
        return backendFor(location).exists(location);
    }

    public static Retriever open(String location) {
        return backendFor(location).openReader(location);
    }

    public static CorpusWriter openWriter(String location, Embedder embedder, CorpusSettings settings) {
        return backendFor(location).openWriter(location, embedder, settings);
    }

    /** True when {@code location} looks like a URI rather than a folder. */
    public static boolean isUri(String location) {
        return URI.matcher(location).matches();
    }
}
