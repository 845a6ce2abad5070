/**
 * What a provider implements: {@link dev.modelbuilder.core.spi.ModelBuilderProvider} and its operations per resource,
 * plus base classes that hold the waiting logic every provider shares
 * ({@link dev.modelbuilder.core.spi.PollingOperation}, {@link dev.modelbuilder.core.spi.PollingTrainingRun}).
 * Applications use the fluent API of {@code dev.modelbuilder.core} instead; the core validates input before it calls
 * a provider.
 */
package dev.modelbuilder.core.spi;
