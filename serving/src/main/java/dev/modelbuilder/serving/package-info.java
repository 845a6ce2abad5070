/**
 * The Spring Boot starter that serves an MLModel.zip over HTTP ({@code modelbuilder-spring-boot-starter}): add the
 * dependency and {@code modelbuilder.model=...}, and the application has a {@code PredictionEngine} bean, the
 * prediction endpoints, Actuator health and Micrometer metrics (see
 * {@link dev.modelbuilder.serving.ModelBuilderProperties} for the settings). {@link dev.modelbuilder.serving.ModelServer} runs the
 * same server without an application of one's own ({@code modelbuilder serve}).
 */
package dev.modelbuilder.serving;
