package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ModelBuilderException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Names of the resources the provider creates. They derive from subscription, resource group, workspace and a
 * generation suffix chosen when a workspace is first deployed and kept in its deployment, so that a repeated create
 * (a retry, a resumed deployment) addresses the same resources, while a workspace created again after a delete does
 * not collide with a soft-deleted key vault. Every derived name is valid whenever the workspace name is.
 */
final class Names {
    private Names() {
    }

    /**
     * @param parts what identifies the thing
     * @return the lower-case hex SHA-256 of the parts joined by newlines
     */
    static String hash(String... parts) {
        return sha256Hex(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new ModelBuilderException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * @param subscription the subscription
     * @param resourceGroup the resource group
     * @param workspace the workspace
     * @param generation the deployment's name suffix ({@link #newGeneration()}), empty for deployments made before
     *     there was one
     * @return a storage account name: 24 lower-case letters and digits, globally unique in practice
     */
    static String storageAccount(String subscription, String resourceGroup, String workspace, String generation) {
        return "mbst" + key(subscription, resourceGroup, workspace, generation).substring(0, 20);
    }

    /**
     * A key vault name: 24 characters, letters, digits and one hyphen. A deleted vault stays soft-deleted (its name
     * taken) for up to 90 days, so each new generation of a workspace gets a vault of another name.
     */
    static String keyVault(String subscription, String resourceGroup, String workspace, String generation) {
        return "mbkv-" + key(subscription, resourceGroup, workspace, generation).substring(0, 19);
    }

    /**
     * The Log Analytics workspace behind Application Insights: 4-63 letters, digits and hyphens, starting and
     * ending with a letter or digit (the workspace name may end with a hyphen, so a short hash ends it).
     */
    static String logAnalytics(String workspace, String generation) {
        return "mblog-" + workspace.toLowerCase(Locale.ROOT) + "-" + hash(workspace, generation).substring(0, 6);
    }

    /** @return the Application Insights component name (1-260 characters, not ending in a period) */
    static String applicationInsights(String workspace, String generation) {
        return "mbappi-" + workspace.toLowerCase(Locale.ROOT) + "-" + hash(workspace, generation).substring(0, 6);
    }

    /** @return a new generation suffix: 8 random hex digits */
    static String newGeneration() {
        return HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextInt());
    }

    /** @return the template deployment that creates the workspace and what it needs */
    static String workspaceDeployment(String workspace) {
        return "modelbuilder-workspace-" + workspace.toLowerCase(Locale.ROOT);
    }

    private static String key(String subscription, String resourceGroup, String workspace, String generation) {
        String base = hash(subscription.toLowerCase(Locale.ROOT), resourceGroup.toLowerCase(Locale.ROOT),
                workspace.toLowerCase(Locale.ROOT));
        return generation.isEmpty() ? base : hash(base, generation);
    }

    /**
     * @param text a name
     * @param max the longest result
     * @return letters, digits, {@code -} and {@code _} only, starting with a letter or digit
     */
    static String sanitize(String text, int max) {
        String s = text.replaceAll("[^A-Za-z0-9_-]", "-").replaceAll("^[^A-Za-z0-9]+", "");
        if (s.isEmpty()) {
            s = "x";
        }
        return s.length() > max ? s.substring(0, max) : s;
    }
}
