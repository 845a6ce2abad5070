/**
 * The local provider's endpoints: the {@code serve} server of the Spring Boot starter ({@code ModelServer}) started in
 * this process on a free loopback port. Loaded only when the starter is on the class path: {@code modelbuilder-local}
 * declares it as an optional dependency, so that an application that only trains locally never gets Spring Boot.
 */
package dev.modelbuilder.local.implementation.endpoints;
