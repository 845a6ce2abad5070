/**
 * The SDK's error hierarchy: one unchecked base type, {@link dev.modelbuilder.core.exception.ModelBuilderException},
 * with a subtype per way of failing that a caller may want to handle on its own.
 *
 * <p>Every exception that a public method of the SDK throws on purpose is a {@code ModelBuilderException}. The only
 * others are programming errors: {@link java.lang.NullPointerException} for a {@code null} where a value is required
 * and {@link java.lang.IllegalArgumentException} for an argument outside its documented range (a negative count, say);
 * input that comes from outside the program (names, files, options) is reported as a
 * {@link dev.modelbuilder.core.exception.ValidationException} instead.
 */
package dev.modelbuilder.core.exception;
