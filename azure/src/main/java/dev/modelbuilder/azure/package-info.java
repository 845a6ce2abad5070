/**
 * The Azure Machine Learning provider of Model Builder for Java. Its public API is four types:
 * {@link dev.modelbuilder.azure.AzureMlProvider} (obtained from {@code AzureMlProvider.builder()}, an
 * {@link dev.modelbuilder.azure.AzureMlProviderBuilder}) implements the core provider SPI over the Azure Resource
 * Manager REST API (api-version 2024-04-01) with azure-core's synchronous HTTP pipeline and the JDK HTTP client;
 * {@link dev.modelbuilder.azure.AzureTrainingOptions} (built with
 * {@link dev.modelbuilder.azure.AzureTrainingOptionsBuilder}) carries the AutoML settings of a run; and
 * {@link dev.modelbuilder.azure.AzureVmSizes} is the offline catalog of GPU sizes. Everything else in this package is
 * package-private.
 */
package dev.modelbuilder.azure;
