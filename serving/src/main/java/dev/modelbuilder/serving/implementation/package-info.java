/**
 * Not API: the starter's endpoints, error handling, container settings, metrics and health indicator, wired by
 * {@link dev.modelbuilder.serving.implementation.ModelBuilderAutoConfiguration}.
 */
package dev.modelbuilder.serving.implementation;
