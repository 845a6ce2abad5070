package dev.modelbuilder.azure.testing;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Azure's naming rules for the resources of a workspace deployment ("Naming rules and restrictions for Azure
 * resources", Azure Resource Manager documentation), checked by the emulator as Resource Manager would.
 */
final class NameRules {
    private static final Map<String, Pattern> RULES = Map.of(
            "Microsoft.Storage/storageAccounts", Pattern.compile("[a-z0-9]{3,24}"),
            "Microsoft.KeyVault/vaults", Pattern.compile("(?!.*--)[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]"),
            "Microsoft.OperationalInsights/workspaces", Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]"),
            "Microsoft.Insights/components", Pattern.compile("[^%&\\\\?/]{0,259}[^%&\\\\?/.]"),
            "Microsoft.MachineLearningServices/workspaces", Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{2,32}"));

    private NameRules() {
    }

    /**
     * @param type a resource type
     * @param name a resource name
     * @return what is wrong with the name, empty when it is valid or the type has no rule here
     */
    static List<String> check(String type, String name) {
        Pattern rule = RULES.get(type);
        return rule == null || rule.matcher(name).matches() ? List.of()
                : List.of("invalid " + type + " name '" + name + "' (must match " + rule + ")");
    }
}
