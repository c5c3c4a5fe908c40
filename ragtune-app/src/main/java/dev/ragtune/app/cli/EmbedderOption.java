package dev.ragtune.app.cli;

import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.Embedder;
import dev.ragtune.rag.embed.OnnxEmbedder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --embedder DIR} option shared by commands that embed text. */
public final class EmbedderOption {
    @Option(names = "--embedder", paramLabel = "DIR",
            description = "Folder of a sentence-transformers ONNX export (model.onnx or onnx/model.onnx, tokenizer.json, "
                    + "1_Pooling/config.json), e.g. a multilingual model for Portuguese. "
                    + "Default: the bundled all-MiniLM-L6-v2.")
    Path dir;

    /** Opens the chosen embedder; the caller closes it. */
    public Embedder open() {
        return dir == null ? OnnxEmbedder.allMiniLmL6V2() : OnnxEmbedder.fromDirectory(dir);
    }

    /**
     * Opens the embedder a collection was built with: the chosen one if given (the collection checks it), else the
     * bundled default, which must then be the collection's.
     */
    public Embedder openFor(Retriever corpus) {
        Embedder e = open();
        if (dir == null && !e.id().equals(corpus.embedderId())) {
            e.close();
            throw new IllegalArgumentException("collection " + corpus.location() + " was built with embedder "
                    + corpus.embedderId() + "; pass --embedder DIR with that model's folder");
        }
        return e;
    }
}
