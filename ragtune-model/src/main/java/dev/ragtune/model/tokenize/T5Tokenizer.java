package dev.ragtune.model.tokenize;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The T5 / FLAN-T5 SentencePiece-Unigram tokenizer, loaded from a model folder's {@code tokenizer.json} (what
 * {@code AutoTokenizer} loads). {@link #encode(String)} appends {@code </s>} (id 1) like HF; no truncation or
 * padding is applied.
 *
 * <p>Sharp edges: the English T5 vocabulary cannot write many accented letters (e.g. 'ã', 'õ'): they become
 * {@code <unk>} (id 2), so decoding does not give them back. The first time a text holds such characters a single
 * SLF4J warning names them. Trailing whitespace keeps a lone '▁' (id 3) as the fast HF tokenizer does (the slow
 * SentencePiece tokenizer drops it). Thread-safe.
 */
public final class T5Tokenizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(T5Tokenizer.class);
    /** Id of {@code <unk>} in every T5 vocabulary. */
    public static final long UNK_ID = 2;

    private final HuggingFaceTokenizer tokenizer;
    private final AtomicBoolean warned = new AtomicBoolean();

    private T5Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Loads {@code tokenizer.json} from a model folder (or the file itself). */
    public static T5Tokenizer load(Path folderOrFile) {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("tokenizer.json") : folderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("No tokenizer.json at " + file
                    + " (a Hugging Face T5 model folder must include tokenizer.json; slow spiece.model only is not supported)");
        }
        try {
            return new T5Tokenizer(HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "true",
                    "truncation", "false", "padding", "false", "modelMaxLength", String.valueOf(Integer.MAX_VALUE))));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    /** Token ids of {@code text} followed by {@code </s>}. */
    public long[] encode(String text) {
        Encoding enc = tokenizer.encode(text, true, false);
        long[] ids = enc.getIds();
        warnUnknown(text, ids, enc.getCharTokenSpans());
        return ids;
    }

    /** Text of {@code ids}, skipping special tokens ({@code <pad>}, {@code </s>}). */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The characters of {@code text} that this vocabulary encodes as {@code <unk>}, in order of appearance. */
    public Set<String> unencodableCharacters(String text) {
        Encoding enc = tokenizer.encode(text, false, false);
        return unknownChars(text, enc.getIds(), enc.getCharTokenSpans());
    }

    private void warnUnknown(String text, long[] ids, CharSpan[] spans) {
        if (warned.get()) {
            return;
        }
        Set<String> unknown = unknownChars(text, ids, spans);
        if (!unknown.isEmpty() && warned.compareAndSet(false, true)) {
            LOG.warn("The T5 vocabulary cannot encode the characters {} in this prompt: they become <unk> and the "
                    + "model will not see them (a multilingual checkpoint such as mT5/mT0 can). "
                    + "This warning is shown once.", unknown);
        }
    }

    private static Set<String> unknownChars(String text, long[] ids, CharSpan[] spans) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == UNK_ID && spans != null && i < spans.length && spans[i] != null) {
                String piece = text.substring(spans[i].getStart(), Math.min(text.length(), spans[i].getEnd()));
                piece.codePoints().filter(cp -> !Character.isWhitespace(cp))
                        .forEach(cp -> out.add(new String(Character.toChars(cp))));
            }
        }
        return out;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
