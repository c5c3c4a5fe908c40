package dev.ragtune.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ragtune.model.io.SafetensorsReader;
import dev.ragtune.model.io.SafetensorsWriter;
import dev.ragtune.model.lora.LoraAdapter;
import dev.ragtune.model.t5.T5Model;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * train and merge end to end on a tiny random T5 with the real FLAN-T5 vocabulary (32128) and tokenizer: the adapter
 * comes out in PEFT layout, merging gives a loadable model equal to base + adapter, bad input exits 2.
 */
class TrainCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    /** Writes a random T5 v1.1 folder (d_model 16, 1+1 layers, vocab 32128) with the FLAN-T5 tokenizer. */
    static Path tinyVocabModel(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"t5\",\"vocab_size\":32128,\"d_model\":16,"
                + "\"d_kv\":4,\"num_heads\":2,\"d_ff\":32,\"num_layers\":1,\"num_decoder_layers\":1,"
                + "\"feed_forward_proj\":\"gated-gelu\",\"tie_word_embeddings\":false,\"decoder_start_token_id\":0,"
                + "\"eos_token_id\":1,\"pad_token_id\":0}");
        Path tok = Paths.get(TrainCommandTest.class.getResource("/t5-tokenizer/tokenizer.json").toURI());
        Files.copy(tok, dir.resolve("tokenizer.json"));
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("shared.weight", new long[] {32128, 16});
        shapes.put("lm_head.weight", new long[] {32128, 16});
        for (String stack : new String[] {"encoder", "decoder"}) {
            String p = stack + ".block.0.layer.";
            shapes.put(p + "0.SelfAttention.relative_attention_bias.weight", new long[] {32, 2});
            for (String m : new String[] {"q", "k", "v", "o"}) {
                shapes.put(p + "0.SelfAttention." + m + ".weight", new long[] {8, 16});
                if (stack.equals("decoder")) {
                    shapes.put(p + "1.EncDecAttention." + m + ".weight", new long[] {8, 16});
                }
            }
            shapes.put(p + "0.SelfAttention.o.weight", new long[] {16, 8});
            int ff = stack.equals("encoder") ? 1 : 2;
            if (stack.equals("decoder")) {
                shapes.put(p + "1.EncDecAttention.o.weight", new long[] {16, 8});
                shapes.put(p + "1.layer_norm.weight", new long[] {16});
            }
            shapes.put(p + "0.layer_norm.weight", new long[] {16});
            shapes.put(p + ff + ".DenseReluDense.wi_0.weight", new long[] {32, 16});
            shapes.put(p + ff + ".DenseReluDense.wi_1.weight", new long[] {32, 16});
            shapes.put(p + ff + ".DenseReluDense.wo.weight", new long[] {16, 32});
            shapes.put(p + ff + ".layer_norm.weight", new long[] {16});
            shapes.put(stack + ".final_layer_norm.weight", new long[] {16});
        }
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            shapes.forEach((k, s) -> t.put(k, k.endsWith("norm.weight") ? m.ones(new Shape(s))
                    : m.randomNormal(0, 0.3f, new Shape(s), DataType.FLOAT32)));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), t);
        }
        return dir;
    }

    private static Path squadStyleJsonl(Path dir) throws IOException {
        StringBuilder b = new StringBuilder();
        String[] colours = {"red", "blue", "green", "yellow"};
        for (int i = 0; i < 12; i++) {
            b.append("{\"context\":\"The box number ").append(i).append(" is ").append(colours[i % 4])
                    .append(".\",\"question\":\"What colour is box ").append(i).append("?\",\"answers\":[\"")
                    .append(colours[i % 4]).append("\"]}\n");
        }
        Path f = dir.resolve("train.jsonl");
        Files.writeString(f, b);
        return f;
    }

    @Test
    void trainWritesPeftAdapterAndMergeWritesEquivalentModel(@TempDir Path tmp) throws Exception {
        Path base = tinyVocabModel(tmp.resolve("base"));
        Path data = squadStyleJsonl(tmp);
        Path adapterDir = tmp.resolve("adapter");
        int code = run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--val",
                data.toString(), "--val-split", "[:4]", "--output", adapterDir.toString(), "--epochs", "2",
                "--batch-size", "4", "--lr", "1e-2", "--log-every", "1", "--max-target", "4", "--lora-r", "2",
                "--lora-alpha", "4");
        assertThat(code).as(err.toString()).isZero();
        String log = out.toString();
        // 6 wrapped layers (enc self q,v; dec self q,v; dec cross q,v) x (A 2x16 + B 8x2) = 288; base 1,032,944
        assertThat(log).contains("trainable params: 288 || all params: 1,033,232 || trainable%: 0.0279")
                .contains("step 1/6 | epoch 1 | loss ").contains("examples/s | ETA ")
                .contains("epoch 2 done | train loss").contains("| EM ").contains("adapter saved to");
        assertThat(adapterDir.resolve("adapter_config.json")).exists();
        assertThat(adapterDir.resolve("checkpoint/optimizer.safetensors")).exists();
        assertThat(SafetensorsReader.open(adapterDir.resolve("adapter_model.safetensors")).tensors().keySet())
                .contains("base_model.model.encoder.block.0.layer.0.SelfAttention.q.lora_A.weight",
                        "base_model.model.decoder.block.0.layer.1.EncDecAttention.v.lora_B.weight").hasSize(12);

        Path merged = tmp.resolve("merged");
        assertThat(run(new MergeCommand(), "--model", base.toString(), "--adapter", adapterDir.toString(),
                "--output", merged.toString())).as(err.toString()).isZero();
        assertThat(merged.resolve("tokenizer.json")).exists();
        try (T5Model a = T5Model.load(base, Device.cpu()); LoraAdapter ad = LoraAdapter.load(a, adapterDir);
             T5Model b = T5Model.load(merged, Device.cpu());
             NDManager s = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray ids = s.create(new long[] {100, 200, 300, 1}, new Shape(1, 4));
            NDArray dec = s.create(new long[] {0, 5, 6}, new Shape(1, 3));
            float[] x = a.forward(ids, ids.onesLike(), dec).logits().toFloatArray();
            float[] y = b.forward(ids, ids.onesLike(), dec).logits().toFloatArray();
            double max = 0;
            double changed = 0;
            for (int i = 0; i < x.length; i++) {
                max = Math.max(max, Math.abs(x[i] - y[i]));
            }
            ad.close();
            float[] z = a.forward(ids, ids.onesLike(), dec).logits().toFloatArray();
            for (int i = 0; i < x.length; i++) {
                changed = Math.max(changed, Math.abs(x[i] - z[i]));
            }
            assertThat(max).as("merged vs base+adapter").isLessThan(1e-4);
            assertThat(changed).as("training moved the adapter away from zero").isGreaterThan(1e-3);
        }
    }

    @Test
    void bf16IsRefusedWithOneLineOnACpuWithoutBf16AndOnGpuAndForAnUnknownPrecision(@TempDir Path tmp) throws Exception {
        Path base = tinyVocabModel(tmp.resolve("base"));
        Path data = squadStyleJsonl(tmp);
        Path noBf16 = Files.writeString(tmp.resolve("cpuinfo"), "processor\t: 0\nflags\t\t: fpu sse2 avx2 avx512f\n");
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o").toString(), "--precision", "bf16", "--cpuinfo", noBf16.toString())).isEqualTo(2);
        assertThat(err.toString()).startsWith("--precision bf16: this CPU lacks bf16 instructions")
                .doesNotContain("Exception").hasLineCount(1);
        assertThat(tmp.resolve("o")).doesNotExist();
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o").toString(), "--precision", "bf16", "--device", "gpu")).isEqualTo(2);
        assertThat(err.toString()).contains("--precision bf16 is implemented for --device cpu only");
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o").toString(), "--precision", "fp16")).isEqualTo(2);
        assertThat(err.toString()).contains("--precision: expected fp32 or bf16, got 'fp16'");
    }

    @Test
    void bf16TrainsAPeftAdapterAndResumeAtAnotherPrecisionIsRefused(@TempDir Path tmp) throws Exception {
        Path base = tinyVocabModel(tmp.resolve("base"));
        Path data = squadStyleJsonl(tmp);
        Path adapterDir = tmp.resolve("adapter");
        int code = run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                adapterDir.toString(), "--epochs", "1", "--batch-size", "4", "--lr", "1e-2", "--max-target", "4",
                "--lora-r", "2", "--lora-alpha", "4", "--precision", "bf16", "--skip-bf16-check");
        assertThat(code).as(err.toString()).isZero();
        assertThat(SafetensorsReader.open(adapterDir.resolve("adapter_model.safetensors")).tensors()).hasSize(12);
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                adapterDir.toString(), "--epochs", "1", "--batch-size", "4", "--lr", "1e-2", "--max-target", "4",
                "--lora-r", "2", "--lora-alpha", "4", "--resume")).isEqualTo(2);
        assertThat(err.toString()).contains("the checkpoint was made with --precision = bf16 but this run has fp32");
    }

    @Test
    void badInputExitsTwoWithNamedCause(@TempDir Path tmp) throws Exception {
        Path base = tinyVocabModel(tmp.resolve("base"));
        Path data = squadStyleJsonl(tmp);
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o").toString(), "--target-modules", "query,value")).isEqualTo(2);
        assertThat(err.toString()).contains("match no linear layer").contains("[k, o, q, v, wi_0, wi_1, wo]");
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "{\"data\":[{\"paragraphs\":[{\"qas\":[]}]}]}");
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", bad.toString(), "--output",
                tmp.resolve("o").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("data[0].paragraphs[0] lacks the field 'context'");
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o2").toString(), "--resume")).isEqualTo(2);
        assertThat(err.toString()).contains("no checkpoint");
        Path tpl = tmp.resolve("template.txt");
        Files.writeString(tpl, "Answer this:\n");
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o3").toString(), "--template", tpl.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("Prompt template must contain {context} and/or {question}");
        assertThat(run(new MergeCommand(), "--model", base.toString(), "--adapter", tmp.resolve("none").toString(),
                "--output", tmp.resolve("m").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--adapter " + tmp.resolve("none") + " is not a folder");
        assertThat(tmp.resolve("m")).doesNotExist();
        assertThat(run(new TrainCommand(), "--model", base.toString(), "--train", data.toString(), "--output",
                tmp.resolve("o4").toString(), "--init-adapter", tmp.resolve("none").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--init-adapter " + tmp.resolve("none") + " is not a folder");
    }

    @Test
    void initAdapterContinuesAPeftAdapterKeepingItsConfigAndRecordingThisBase(@TempDir Path tmp) throws Exception {
        Path base = Paths.get(TrainCommandTest.class.getResource("/t5-tiny-with-tokenizer").toURI());
        Path init = Paths.get(TrainCommandTest.class.getResource("/t5-tiny-lora").toURI());
        Path data = squadStyleJsonl(tmp);
        Path output = tmp.resolve("continued");
        // a learning rate so small that one epoch leaves the weights where they started (a fresh adapter has B = 0)
        int code = run(new TrainCommand(), "--model", base.toString(), "--init-adapter", init.toString(), "--train",
                data.toString(), "--output", output.toString(), "--epochs", "1", "--batch-size", "4", "--lr", "1e-12",
                "--max-grad-norm", "0");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("starting from " + init.toAbsolutePath());
        SafetensorsReader before = SafetensorsReader.open(init.resolve("adapter_model.safetensors"));
        SafetensorsReader after = SafetensorsReader.open(output.resolve("adapter_model.safetensors"));
        assertThat(after.tensors().keySet()).isEqualTo(before.tensors().keySet());
        for (String k : before.tensors().keySet()) {
            float[] b = before.readFloats(k);
            float[] a = after.readFloats(k);
            double diff = 0;
            double norm = 0;
            for (int i = 0; i < b.length; i++) {
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
                norm = Math.max(norm, Math.abs(b[i]));
            }
            assertThat(norm).as(k + " is a trained (non-zero) tensor").isGreaterThan(0.01);
            assertThat(diff).as(k).isLessThan(1e-6);
        }
        JsonNode config = new ObjectMapper().readTree(output.resolve("adapter_config.json").toFile());
        assertThat(config.get("r").asInt()).isEqualTo(4);
        assertThat(config.get("lora_alpha").asInt()).isEqualTo(8);
        assertThat(config.get("base_model_name_or_path").asText()).isEqualTo(base.toAbsolutePath().toString());
        assertThat(output.resolve("README.md")).exists();

        assertThat(run(new TrainCommand(), "--model", base.toString(), "--init-adapter", init.toString(), "--train",
                data.toString(), "--output", tmp.resolve("o").toString(), "--lora-r", "16")).isEqualTo(2);
        assertThat(err.toString()).contains("--lora-r cannot be combined with --init-adapter");
    }
}
