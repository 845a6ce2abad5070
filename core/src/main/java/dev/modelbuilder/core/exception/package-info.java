/**
 * The SDK's error hierarchy: one unchecked base type, {@link dev.modelbuilder.core.exception.ModelBuilderException},
 * with a subtype per way of failing that a caller may want to handle on its own.
 */
package dev.modelbuilder.core.exception;
