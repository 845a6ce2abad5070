/**
 * The Azure Machine Learning provider of Model Builder for Java: {@link dev.modelbuilder.azure.AzureMlProviderBuilder}
 * builds an {@link dev.modelbuilder.azure.AzureMlProvider}, which implements the core provider SPI over the Azure
 * Resource Manager REST API (api-version 2024-04-01) with azure-core's synchronous HTTP pipeline and the JDK HTTP
 * client. Everything else in this package is internal.
 */
package dev.modelbuilder.azure;
