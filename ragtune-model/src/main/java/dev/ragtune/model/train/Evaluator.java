package dev.ragtune.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.ragtune.model.data.Batch;
import dev.ragtune.model.data.SquadMetrics;
import dev.ragtune.model.data.TextCodec;
import dev.ragtune.model.data.TokenizedExample;
import dev.ragtune.model.t5.T5Model;
import java.util.ArrayList;
import java.util.List;

/** Validation loss and greedy EM/F1 of the model as it is now (callers switch LoRA dropout off first). */
public record Evaluator(T5Model model, TextCodec codec, int batchSize, int maxNewTokens) {

    public EvalResult evaluate(List<TokenizedExample> examples) {
        double lossSum = 0;
        long tokens = 0;
        double em = 0;
        double f1 = 0;
        for (int from = 0; from < examples.size(); from += batchSize) {
            List<TokenizedExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
            Batch batch = Batch.of(chunk, model.config().padTokenId());
            try (NDManager scope = model.manager().newSubManager()) {
                NDArray loss = model.loss(batch.inputIds(scope), batch.attentionMask(scope), batch.labels(scope));
                lossSum += loss.getFloat() * batch.targetTokens();
                tokens += batch.targetTokens();
            }
            if (maxNewTokens > 0) {
                List<long[]> sources = new ArrayList<>();
                chunk.forEach(e -> sources.add(e.source()));
                List<long[]> generated = GreedyDecoder.generate(model, sources, maxNewTokens);
                for (int i = 0; i < chunk.size(); i++) {
                    String text = codec.decode(generated.get(i));
                    em += SquadMetrics.exactMatch(text, chunk.get(i).answers());
                    f1 += SquadMetrics.f1(text, chunk.get(i).answers());
                }
            }
        }
        int n = examples.size();
        return new EvalResult(lossSum / Math.max(1, tokens), maxNewTokens > 0 ? 100 * em / n : Double.NaN,
                maxNewTokens > 0 ? 100 * f1 / n : Double.NaN, n);
    }
}
