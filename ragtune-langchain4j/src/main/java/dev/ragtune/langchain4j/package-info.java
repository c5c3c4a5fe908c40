/**
 * ragtune inside LangChain4j: a {@code ContentRetriever} over any ragtune {@code Retriever} (local folder, SolrCloud)
 * and an {@code EmbeddingModel} over ragtune's {@code Embedder}. It sees only rag's retrieval seam ({@code rag.corpus})
 * and {@code rag.embed}: never a backend's internals ({@code rag.collection}), the model module or the app.
 */
package dev.ragtune.langchain4j;
