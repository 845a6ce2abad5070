package dev.modelbuilder.core.model;

/**
 * The outcome of a delete, which succeeds whether or not the resource existed.
 *
 * @param resourceType e.g. {@code workspace}
 * @param name the name deleted
 * @param existed whether there was anything to delete
 */
public record Deletion(String resourceType, String name, boolean existed) {
}
