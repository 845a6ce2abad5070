package dev.modelbuilder.azure.testing;

import java.io.IOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Makes Azurite available to a test class: installs it with npm when missing and starts one instance per test JVM,
 * stopped when the JVM's tests end. Without node or npm the class's tests are skipped with a loud message naming
 * what is missing, or fail when the environment variable {@code MODELBUILDER_REQUIRE_AZURITE} is {@code true} (CI
 * sets it, so that a broken machine cannot pass by skipping).
 */
public final class AzuriteExtension implements ExecutionCondition, BeforeAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Azurite.class);
    private static volatile Azurite running;

    /** @return the running Azurite (after {@link #beforeAll}) */
    public static Azurite azurite() {
        Azurite a = running;
        if (a == null) {
            throw new IllegalStateException("Azurite is not running: annotate the test class with @AzuriteTest");
        }
        return a;
    }

    /** @return why Azurite cannot be had here, or {@code null} when it can (installed, or node and npm present) */
    private static String unavailable() {
        if (java.nio.file.Files.isRegularFile(Azurite.executable(Azurite.installDir()))) {
            return null;
        }
        String node = Azurite.probe("node");
        String npm = Azurite.probe("npm");
        if (node != null && npm != null) {
            return null;
        }
        String missing = (node == null ? "node" : "") + (node == null && npm == null ? " and " : "")
                + (npm == null ? "npm" : "");
        return "Azurite tests need Node.js: " + missing + " not found on PATH, and Azurite is not installed in "
                + Azurite.installDir() + ". Install Node.js 20 (with npm) or set MODELBUILDER_AZURITE_DIR to a folder "
                + "holding node_modules/.bin/azurite-blob.";
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (running != null || context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("Azurite is available");
        }
        String reason = unavailable();
        if (reason == null) {
            return ConditionEvaluationResult.enabled("Azurite is available");
        }
        if (Azurite.REQUIRED.value().map(Boolean::parseBoolean).orElse(false)) {
            // enabled, so that beforeAll fails the class loudly
            return ConditionEvaluationResult.enabled(reason);
        }
        System.err.println("\n*** SKIPPING " + context.getDisplayName() + ": " + reason + " ***\n");
        return ConditionEvaluationResult.disabled("SKIPPED (no Azurite): " + reason);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String reason = running == null ? unavailable() : null;
        if (reason != null) {
            throw new IllegalStateException(reason + " (MODELBUILDER_REQUIRE_AZURITE=true, so this fails)");
        }
        context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Azurite.class, k -> {
            try {
                Azurite a = Azurite.start(Azurite.install());
                running = a;
                return a;
            } catch (IOException e) {
                throw Azurite.unchecked(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting Azurite", e);
            }
        }, Azurite.class);
    }
}
