package dev.modelbuilder.azure;

import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The azure tests' common set-up, once: one {@link EmulatedAzure} per test class (with Azurite behind it when the
 * class is an {@link AzuriteTest}), reset before each test, checked after each test for spec violations (a request
 * the REST description refuses, or an answer of the emulator it refuses), closed after the class. Tests receive it
 * as a parameter of a constructor, a test or a {@code @BeforeEach} method.
 */
final class EmulatedAzureExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmulatedAzureExtension.class);

    /** Closes the fixture with the class's extension context. */
    private record Held(EmulatedAzure azure) implements AutoCloseable {
        @Override
        public void close() {
            azure.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        boolean azurite = AnnotationSupport.isAnnotated(context.getRequiredTestClass(), AzuriteTest.class);
        if (azurite) {
            new AzuriteExtension().beforeAll(context);
        }
        context.getStore(NAMESPACE).getOrComputeIfAbsent(Held.class,
                k -> new Held(new EmulatedAzure(azurite ? AzuriteExtension.azurite() : null)), Held.class);
    }

    private static EmulatedAzure azure(ExtensionContext context) {
        Held held = context.getStore(NAMESPACE).get(Held.class, Held.class);
        if (held == null) {
            throw new IllegalStateException("no emulated Azure: extend the class with EmulatedAzureExtension");
        }
        return held.azure();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        EmulatedAzure azure = azure(context);
        azure.arm.reset();
        azure.sleeper.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        var violations = azure(context).arm.violations();
        if (!violations.isEmpty() && context.getExecutionException().isEmpty()) {
            throw new AssertionError("spec violations: " + violations);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmulatedAzure.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return azure(context);
    }
}
