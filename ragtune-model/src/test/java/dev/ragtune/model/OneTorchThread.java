package dev.ragtune.model;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Auto-registered (junit-platform.properties + META-INF/services) before every test class: tests share 2 cores
 * with other builds, and one PyTorch thread avoids spin-waiting thread pools that make loaded machines crawl.
 * Takes effect only if set before the PyTorch engine starts, hence before any test class runs. An explicit
 * {@code -Dai.djl.pytorch.num_threads} wins.
 */
public final class OneTorchThread implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", "1");
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
