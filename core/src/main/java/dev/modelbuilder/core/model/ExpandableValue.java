package dev.modelbuilder.core.model;

import java.io.Serializable;
import java.util.Objects;

/**
 * A string value from a service that may grow new members: unlike an enum, an unknown value is kept rather than
 * failing, so callers' code does not break when the service adds one.
 */
public abstract class ExpandableValue implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String value;
    private final boolean terminal;

    /**
     * @param value the service's spelling
     * @param terminal whether the value ends the life of what it describes
     */
    protected ExpandableValue(String value, boolean terminal) {
        this.value = Objects.requireNonNull(value, "value");
        this.terminal = terminal;
    }

    /** @return the service's spelling */
    public final String value() {
        return value;
    }

    /** @return whether nothing will change after this value */
    public final boolean isTerminal() {
        return terminal;
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && ((ExpandableValue) o).value.equalsIgnoreCase(value);
    }

    @Override
    public final int hashCode() {
        return value.toLowerCase(java.util.Locale.ROOT).hashCode();
    }

    @Override
    public final String toString() {
        return value;
    }
}
