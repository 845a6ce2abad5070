package dev.modelbuilder.core.model;

/** Range checks shared by specs and the fluent API. */
public final class ValidationSupport {
    private ValidationSupport() {
    }

    /**
     * @param minNodes minimum nodes
     * @param maxNodes maximum nodes
     * @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule
     */
    public static void requireNodeRange(int minNodes, int maxNodes) {
        new Rules.Collector().nodeRange(minNodes, maxNodes).throwIfAny();
    }
}
