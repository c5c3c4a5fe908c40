package dev.ragtune.model.hub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileSelectionTest {
    static RemoteFile f(String path) {
        return new RemoteFile(path, 1, null, null);
    }

    static List<String> wanted(FileSelection s, String... paths) {
        return s.choose(java.util.Arrays.stream(paths).map(FileSelectionTest::f).toList()).wanted().stream()
                .map(RemoteFile::path).toList();
    }

    @Test
    void defaultsKeepWhatRagtuneReadsFromASentenceTransformersOnnxRepo() {
        // file list of sentence-transformers/all-MiniLM-L6-v2 on the hub (abridged)
        assertThat(wanted(FileSelection.defaults(), "1_Pooling/config.json", "README.md", "config.json",
                "config_sentence_transformers.json", "data_config.json", "model.safetensors", "modules.json",
                "onnx/model.onnx", "onnx/model_O1.onnx", "onnx/model_qint8_avx512.onnx", "openvino/openvino_model.xml",
                "pytorch_model.bin", "rust_model.ot", "sentence_bert_config.json", "special_tokens_map.json",
                "tf_model.h5", "tokenizer.json", "tokenizer_config.json", "train_script.py", "vocab.txt"))
                .containsExactly("1_Pooling/config.json", "config.json", "config_sentence_transformers.json",
                        "model.safetensors", "modules.json", "onnx/model.onnx", "sentence_bert_config.json",
                        "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json");
    }

    @Test
    void defaultsKeepShardedT5AndAdapterFilesAndPreferOnnxFolderExport() {
        assertThat(wanted(FileSelection.defaults(), "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "model.safetensors.index.json", "spiece.model",
                "adapter_config.json", "adapter_model.safetensors", "adapter_model.bin", "model.onnx",
                "onnx/model.onnx", "generation_config.json", "flax_model.msgpack"))
                .containsExactly("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors",
                        "model.safetensors.index.json", "spiece.model", "adapter_config.json",
                        "adapter_model.safetensors", "onnx/model.onnx", "generation_config.json");
        assertThat(wanted(FileSelection.defaults(), "model.onnx", "tokenizer.json"))
                .containsExactly("model.onnx", "tokenizer.json");
    }

    @Test
    void skippedFilesSayWhy() {
        var choice = FileSelection.defaults().choose(List.of(f("pytorch_model.bin"), f("tf_model.h5"),
                f("flax_model.msgpack"), f("onnx/model_qint8_arm64.onnx")));
        assertThat(choice.skipped()).extracting(FileSelection.Skipped::reason).containsExactly(
                "PyTorch pickle weights; ragtune reads safetensors", "TensorFlow weights", "Flax weights",
                "ONNX variant not used; ragtune uses onnx/model.onnx (fp32)");
    }

    @Test
    void includeGlobsFollowFnmatchWhereStarCrossesSlashAndTrailingSlashMeansFolder() {
        String[] repo = {"config.json", "onnx/model.onnx", "onnx/model_O4.onnx", "1_Pooling/config.json", "a.bin"};
        assertThat(wanted(FileSelection.including(List.of("*.json")), repo))
                .containsExactly("config.json", "1_Pooling/config.json");
        assertThat(wanted(FileSelection.including(List.of("onnx/")), repo))
                .containsExactly("onnx/model.onnx", "onnx/model_O4.onnx");
        assertThat(wanted(FileSelection.including(List.of("onnx/model_O?.onnx", "[ab].bin")), repo))
                .containsExactly("onnx/model_O4.onnx", "a.bin");
        assertThat(wanted(FileSelection.including(List.of("[!c]*.json")), repo))
                .containsExactly("1_Pooling/config.json");
    }
}
