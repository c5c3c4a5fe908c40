package dev.ragtune.model.data;

import java.util.List;

/** Source and target ids of one example (both end with EOS), with its gold answers for EM/F1. */
public record TokenizedExample(long[] source, long[] target, List<String> answers) {
}
