package dev.ragtune.model;

import dev.ragtune.model.io.SafetensorsReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locations of copied golden data in test resources and small comparison helpers. */
public final class Golden {
    private Golden() {
    }

    public static Path resource(String name) {
        try {
            return Paths.get(Golden.class.getResource("/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("Test resource missing: " + name, e);
        }
    }

    public static Path tinyModel() {
        return resource("golden/t5-tiny");
    }

    public static SafetensorsReader cases() {
        return SafetensorsReader.open(tinyModel().resolve("cases.safetensors"));
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("length " + a.length + " != " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }
}
