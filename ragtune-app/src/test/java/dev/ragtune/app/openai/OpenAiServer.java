package dev.ragtune.app.openai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.CosineSimilarity;
import dev.ragtune.rag.answer.AskPipeline;
import dev.ragtune.rag.answer.ExtractiveGenerator;
import dev.ragtune.rag.answer.Generator;
import dev.ragtune.rag.collection.Ingestion;
import dev.ragtune.rag.corpus.Corpora;
import dev.ragtune.rag.corpus.CorpusSettings;
import dev.ragtune.rag.corpus.CorpusWriter;
import dev.ragtune.rag.corpus.Retriever;
import dev.ragtune.rag.embed.OnnxEmbedder;
import io.javalin.Javalin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * A {@code /v1} server for tests: three short documents in a fresh local collection, all-MiniLM-L6-v2, the extractive
 * answerer, the API key {@value #KEY}, on a free loopback port.
 */
final class OpenAiServer implements AutoCloseable {
    static final String KEY = "test-key-0123";
    static final String LORA = "# LoRA\n\nLoRA freezes the pretrained weights of the model and trains small low-rank "
            + "matrices added to chosen layers. The rank r of these matrices is usually 8 or 16.\n";
    static final String DROPOUT = "# Dropout\n\nDropout switches off random neurons during training, which reduces "
            + "overfitting. At inference time every neuron is used.\n";
    static final String BM25 = "# BM25\n\nBM25 ranks documents by term frequency, inverse document frequency and "
            + "document length.\n";

    final OnnxEmbedder embedder;
    final Retriever retriever;
    final Javalin app;

    /**
     * @param noRag    the generator of {@code ragtune-no-rag}, or null
     * @param decoding how request settings reach the generators, or null for none
     */
    OpenAiServer(Path tmp, Generator noRag, OpenAiApi.Limits limits, OpenAiApi.Decoding decoding) throws IOException {
        this(tmp, null, noRag, limits, decoding, null);
    }

    /**
     * @param generator the generator of {@code ragtune}, or null for the extractive answerer
     * @param workers   questions answered at once (none waits: busy at once), or null for no bound
     */
    OpenAiServer(Path tmp, Generator generator, Generator noRag, OpenAiApi.Limits limits, OpenAiApi.Decoding decoding,
                 Semaphore workers) throws IOException {
        embedder = OnnxEmbedder.allMiniLmL6V2();
        Path docs = Files.createDirectories(tmp.resolve("docs"));
        Files.writeString(docs.resolve("lora.md"), LORA);
        Files.writeString(docs.resolve("dropout.md"), DROPOUT);
        Files.writeString(docs.resolve("bm25.md"), BM25);
        String location = tmp.resolve("col").toString();
        try (CorpusWriter w = Corpora.openWriter(location, embedder, CorpusSettings.defaults())) {
            new Ingestion(w, embedder, new Ingestion.Listener() {}).run(List.of(docs));
            w.commit();
        }
        retriever = Corpora.open(location);
        Generator answerer = generator != null ? generator : new ExtractiveGenerator(embedder, null);
        app = Javalin.create(c -> c.showJavalinBanner = false);
        OpenAiApi.Corpus corpus = workers == null ? q -> q.apply(retriever) : q -> {
            if (!workers.tryAcquire()) throw new OpenAiApi.Busy("all workers are busy; try again later");
            try {
                return q.apply(retriever);
            } finally {
                workers.release();
            }
        };
        OpenAiApi.register(app, new OpenAiApi.Services(corpus, embedder, null, answerer, noRag,
                AskPipeline.Options.defaults(), decoding), limits, Optional.of(KEY));
        app.start("127.0.0.1", 0);
    }

    OpenAiServer(Path tmp) throws IOException {
        this(tmp, null, OpenAiApi.Limits.DEFAULTS, null);
    }

    /** {@code http://127.0.0.1:PORT/v1}, what clients take as their base URL. */
    String baseUrl() {
        return "http://127.0.0.1:" + app.port() + "/v1";
    }

    @Override
    public void close() {
        app.stop();
        retriever.close();
        embedder.close();
    }

    /** Cosine similarity as LangChain4j computes it. */
    static double cosine(float[] a, float[] b) {
        return CosineSimilarity.between(Embedding.from(a), Embedding.from(b));
    }
}
