package dev.ragtune.model.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Arithmetic of the training forward: fp32, or bf16 autocast (bf16 matmuls; fp32 masters, loss and optimizer). */
public enum Precision {
    FP32, BF16;

    /** Parses {@code fp32} / {@code bf16} (any case); fails naming {@code --precision}. */
    public static Precision parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision: expected fp32 or bf16, got '" + text + "'");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a {@code /proc/cpuinfo} text lists a bf16 instruction set (avx512_bf16 or amx_bf16). */
    public static boolean cpuinfoHasBf16(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")) {
                for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                    if (flag.equals("avx512_bf16") || flag.equals("amx_bf16")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Fails with one line naming {@code --precision bf16} when {@code cpuinfo} (normally {@code /proc/cpuinfo}) shows
     * no bf16 instructions: bf16 would then be emulated and slower than fp32.
     */
    public static void requireBf16Cpu(Path cpuinfo) {
        String text;
        try {
            text = Files.readString(cpuinfo);
        } catch (IOException e) {
            throw new IllegalStateException("--precision bf16: cannot read " + cpuinfo + " to check for bf16"
                    + " instructions; use --precision fp32 (or --skip-bf16-check to run anyway)");
        }
        if (!cpuinfoHasBf16(text)) {
            throw new IllegalStateException("--precision bf16: this CPU lacks bf16 instructions (no avx512_bf16 or"
                    + " amx_bf16 in " + cpuinfo + "), so bf16 would run slower than fp32; use --precision fp32");
        }
    }
}
