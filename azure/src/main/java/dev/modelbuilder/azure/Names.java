package dev.modelbuilder.azure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Deterministic names of the resources the provider creates, so that a repeated create (a retry, a second run of
 * the same command) addresses the same resources instead of making new ones.
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
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * @param subscription the subscription
     * @param resourceGroup the resource group
     * @param workspace the workspace
     * @return a storage account name: 24 lower-case letters and digits, globally unique in practice
     */
    static String storageAccount(String subscription, String resourceGroup, String workspace) {
        return "mbst" + key(subscription, resourceGroup, workspace).substring(0, 20);
    }

    /** @return a key vault name: 24 characters, letters, digits and one hyphen */
    static String keyVault(String subscription, String resourceGroup, String workspace) {
        return "mbkv-" + key(subscription, resourceGroup, workspace).substring(0, 19);
    }

    /** @return the Log Analytics workspace name behind Application Insights */
    static String logAnalytics(String workspace) {
        return "mblog-" + workspace.toLowerCase(Locale.ROOT);
    }

    /** @return the Application Insights component name */
    static String applicationInsights(String workspace) {
        return "mbappi-" + workspace.toLowerCase(Locale.ROOT);
    }

    /** @return the template deployment that creates the workspace and what it needs */
    static String workspaceDeployment(String workspace) {
        return "modelbuilder-workspace-" + workspace.toLowerCase(Locale.ROOT);
    }

    private static String key(String subscription, String resourceGroup, String workspace) {
        return hash(subscription.toLowerCase(Locale.ROOT), resourceGroup.toLowerCase(Locale.ROOT),
                workspace.toLowerCase(Locale.ROOT));
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
