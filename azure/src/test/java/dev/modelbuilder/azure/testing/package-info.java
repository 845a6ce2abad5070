/**
 * The azure tests' fakes: an Azure Resource Manager emulator for Microsoft.MachineLearningServices that follows the
 * REST description (api-version 2024-04-01) and validates every request and answer against it, Azurite as real blob
 * storage behind its datastores, a test credential and certificates, and fault injection. Test code only.
 */
package dev.modelbuilder.azure.testing;
