package dev.ragtune.model.hub;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which files of a repo to download.
 *
 * <p>By default: the files ragtune can use (T5 / FLAN-T5 safetensors checkpoints, LoRA adapters, sentence-transformers
 * and cross-encoder ONNX exports with their tokenizer and config files). With {@code --include} globs, exactly the
 * files matching any glob. Globs follow {@code huggingface_hub}'s {@code allow_patterns}: Python {@code fnmatch}, so
 * {@code *} also matches {@code /}, and a pattern ending in {@code /} means everything below that folder.
 */
public final class FileSelection {
    /** Files ragtune reads, by exact path. */
    private static final Set<String> USED = Set.of("config.json", "generation_config.json",
            "model.safetensors.index.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
            "spiece.model", "onnx/model.onnx", "model.onnx", "modules.json", "sentence_bert_config.json",
            "config_sentence_transformers.json", "1_Pooling/config.json", "adapter_config.json",
            "adapter_model.safetensors");

    private final List<String> globs;
    private final List<Pattern> patterns;

    private FileSelection(List<String> globs) {
        this.globs = List.copyOf(globs);
        this.patterns = globs.stream().map(FileSelection::globToRegex).toList();
    }

    /** The files ragtune can use. */
    public static FileSelection defaults() {
        return new FileSelection(List.of());
    }

    /** Exactly the files matching one of {@code globs}; an empty list means {@link #defaults()}. */
    public static FileSelection including(List<String> globs) {
        for (String g : globs) {
            if (g == null || g.isBlank()) throw new IllegalArgumentException("--include needs a non-empty glob");
        }
        return new FileSelection(globs);
    }

    /** True when this selection came from {@code --include} globs. */
    public boolean isCustom() {
        return !globs.isEmpty();
    }

    /** A file left out, and why. */
    public record Skipped(String path, String reason) {}

    /** What to download and what was left out. */
    public record Choice(List<RemoteFile> wanted, List<Skipped> skipped) {
        public Choice {
            wanted = List.copyOf(wanted);
            skipped = List.copyOf(skipped);
        }
    }

    /** Splits a revision's files into wanted and skipped (with reasons). */
    public Choice choose(List<RemoteFile> files) {
        List<RemoteFile> wanted = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        boolean hasOnnxFolderModel = files.stream().anyMatch(f -> f.path().equals("onnx/model.onnx"));
        for (RemoteFile f : files) {
            String p = f.path();
            if (isCustom()) {
                if (patterns.stream().anyMatch(r -> r.matcher(p).matches())) wanted.add(f);
                else skipped.add(new Skipped(p, "not matched by --include " + String.join(" ", globs)));
            } else if (p.equals("model.onnx") && hasOnnxFolderModel) {
                skipped.add(new Skipped(p, "duplicate ONNX export; ragtune uses onnx/model.onnx"));
            } else if (USED.contains(p) || (p.endsWith(".safetensors") && !p.contains("/"))) {
                wanted.add(f);
            } else {
                skipped.add(new Skipped(p, reasonUnused(p)));
            }
        }
        return new Choice(wanted, skipped);
    }

    private static String reasonUnused(String p) {
        String name = p.substring(p.lastIndexOf('/') + 1);
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".ckpt")) {
            return "PyTorch pickle weights; ragtune reads safetensors";
        }
        if (name.endsWith(".h5")) return "TensorFlow weights";
        if (name.endsWith(".msgpack")) return "Flax weights";
        if (name.endsWith(".onnx") || name.endsWith(".onnx_data")) {
            return "ONNX variant not used; ragtune uses onnx/model.onnx (fp32)";
        }
        if (name.endsWith(".ot")) return "rust-bert weights";
        if (p.startsWith("openvino/")) return "OpenVINO export";
        return "not used by ragtune";
    }

    /** fnmatch-style glob to regex: {@code *} any run (including {@code /}), {@code ?} one char, {@code [..]} class. */
    static Pattern globToRegex(String glob) {
        String g = glob.endsWith("/") ? glob + "*" : glob;
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                case '[' -> {
                    int close = g.indexOf(']', i + 2);
                    if (close < 0) {
                        re.append("\\[");
                    } else {
                        String body = g.substring(i + 1, close);
                        if (body.startsWith("!")) body = "^" + body.substring(1);
                        re.append('[').append(body.replace("\\", "\\\\")).append(']');
                        i = close;
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
