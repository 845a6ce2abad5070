package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.support.Setting;
import dev.modelbuilder.local.implementation.transfer.TransferLearning;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The local backend's settings read from a system property or an environment variable, and the folders they choose.
 * The backbone cache's setting is declared beside the cache ({@link TransferLearning#BACKBONE_CACHE}), whose errors
 * name it; {@code LocalProvider} shows all three to users. Stateless.
 */
public final class LocalSettings {
    /** The root folder of the workspaces when the provider's builder names none. */
    public static final Setting ROOT = Setting.of("modelbuilder.local.root", "MODELBUILDER_LOCAL_ROOT",
            "the local provider's root folder");
    /** {@code true} lets libtorch print its C++ warnings (read once, when the engine loads). */
    public static final Setting TORCH_WARNINGS = Setting.of("modelbuilder.torch.warnings",
            "MODELBUILDER_TORCH_WARNINGS", "whether libtorch prints its C++ warnings");

    private LocalSettings() {
    }

    /**
     * @return {@link #ROOT} when set, else {@code ~/.modelbuilder/local}
     * @throws ValidationException when the setting is not a path
     */
    public static Path root() {
        return root(System::getProperty, System.getenv());
    }

    /**
     * @param properties looks up a system property
     * @param environment the environment variables
     * @return {@link #ROOT} when set in those sources, else {@code .modelbuilder/local} in the user's home
     * @throws ValidationException when the setting is not a path
     */
    static Path root(Function<String, String> properties, Map<String, String> environment) {
        return folder(ROOT, properties, environment, "local");
    }

    /**
     * @return {@code TransferLearning.BACKBONE_CACHE} when set, else {@code ~/.modelbuilder/backbones}
     * @throws ValidationException when the setting is not a path
     */
    public static Path backboneCache() {
        return backboneCache(System::getProperty, System.getenv());
    }

    /**
     * @param properties looks up a system property
     * @param environment the environment variables
     * @return the backbone cache setting when set in those sources, else {@code .modelbuilder/backbones} in the
     *     user's home
     * @throws ValidationException when the setting is not a path
     */
    static Path backboneCache(Function<String, String> properties, Map<String, String> environment) {
        return folder(TransferLearning.BACKBONE_CACHE, properties, environment, "backbones");
    }

    private static Path folder(Setting setting, Function<String, String> properties, Map<String, String> environment,
            String defaultName) {
        String value = setting.valueFrom(properties, environment).orElse(null);
        if (value == null) {
            return Path.of(properties.apply("user.home"), ".modelbuilder", defaultName);
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ValidationException(setting.description() + " (" + setting.howToSet() + ")", value,
                    "use a folder path: " + e.getReason());
        }
    }

    /** @return whether {@link #TORCH_WARNINGS} is {@code true} (in any case) */
    static boolean torchWarnings() {
        return TORCH_WARNINGS.value().map(v -> v.toLowerCase(Locale.ROOT).equals("true")).orElse(false);
    }
}
