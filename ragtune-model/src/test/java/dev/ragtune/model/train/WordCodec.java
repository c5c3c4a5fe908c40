package dev.ragtune.model.train;

import dev.ragtune.model.data.TextCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Test codec for the tiny model: the word {@code w<n>} is token id n; EOS (1) appended; pad/eos skipped on decode. */
final class WordCodec implements TextCodec {
    @Override
    public long[] encode(String text) {
        List<Long> ids = new ArrayList<>();
        for (String w : text.trim().split("\\s+")) {
            if (!w.isEmpty()) {
                ids.add(Long.parseLong(w.substring(1)));
            }
        }
        ids.add(1L);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public String decode(long[] ids) {
        return java.util.Arrays.stream(ids).filter(i -> i > 1).mapToObj(i -> "w" + i)
                .collect(Collectors.joining(" "));
    }
}
