package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.implementation.transfer.TransferLearning;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The local backend's settings: property, then environment variable, then the folder under the user's home. */
class LocalSettingsTest {
    private static final Function<String, String> HOME_ONLY = name -> name.equals("user.home") ? "/home/u" : null;

    @Test
    void theRootIsTheSettingElseUnderTheHomeFolder() {
        assertThat(LocalSettings.root(HOME_ONLY, Map.of())).isEqualTo(Path.of("/home/u", ".modelbuilder", "local"));
        assertThat(LocalSettings.root(HOME_ONLY, Map.of("MODELBUILDER_LOCAL_ROOT", "/data/local")))
                .isEqualTo(Path.of("/data/local"));
        Function<String, String> property = name -> name.equals("modelbuilder.local.root") ? "/p/local"
                : HOME_ONLY.apply(name);
        assertThat(LocalSettings.root(property, Map.of("MODELBUILDER_LOCAL_ROOT", "/data/local")))
                .as("the property wins").isEqualTo(Path.of("/p/local"));
    }

    @Test
    void theBackboneCacheKeepsItsEnvironmentVariableAndGainsAProperty() {
        assertThat(LocalSettings.backboneCache(HOME_ONLY, Map.of()))
                .isEqualTo(Path.of("/home/u", ".modelbuilder", "backbones"));
        assertThat(LocalSettings.backboneCache(HOME_ONLY, Map.of("MODELBUILDER_BACKBONES", "/data/backbones")))
                .isEqualTo(Path.of("/data/backbones"));
        Function<String, String> property = name -> name.equals("modelbuilder.backbones.dir") ? "/p/backbones"
                : HOME_ONLY.apply(name);
        assertThat(LocalSettings.backboneCache(property, Map.of())).isEqualTo(Path.of("/p/backbones"));
    }

    @Test
    void aSettingThatIsNotAPathIsRefusedNamingIt() {
        assertThatThrownBy(() -> LocalSettings.root(HOME_ONLY, Map.of("MODELBUILDER_LOCAL_ROOT", "bad\0path")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("MODELBUILDER_LOCAL_ROOT");
    }

    @Test
    void theProviderShowsTheSettingsTheBackendReads() {
        assertThat(LocalProvider.ROOT_SETTING).isSameAs(LocalSettings.ROOT);
        assertThat(LocalProvider.BACKBONE_CACHE_SETTING).isSameAs(TransferLearning.BACKBONE_CACHE);
        assertThat(LocalProvider.TORCH_WARNINGS_SETTING).isSameAs(LocalSettings.TORCH_WARNINGS);
        assertThat(LocalSettings.TORCH_WARNINGS.property()).isEqualTo("modelbuilder.torch.warnings");
    }
}
