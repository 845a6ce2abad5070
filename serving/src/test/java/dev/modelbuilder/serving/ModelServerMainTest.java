package dev.modelbuilder.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The container's entry point reads its model and port as a container gives them, and says what is wrong. */
class ModelServerMainTest {

    @Test
    void withoutAModelOrWithABadPortItExitsTwoSayingWhatToSet() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ModelServerMain.run(Map.of(), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("MODELBUILDER_MODEL", "AZUREML_MODEL_DIR");
        assertThatThrownBy(() -> ModelServerMain.configure(Map.of("AZUREML_MODEL_DIR", "/m", "PORT", "http")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("PORT");
        assertThatThrownBy(() -> ModelServerMain.configure(Map.of(), "--model")).isInstanceOf(
                ValidationException.class).hasMessageContaining("give it a value");
        assertThatThrownBy(() -> ModelServerMain.configure(Map.of(), "--modle", "x"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("--modle");
    }

    @Test
    void theModelComesFromTheOptionThenModelbuilderModelThenAzuremlModelDir() {
        ModelServerBuilder fromAzure = ModelServerMain.configure(Map.of("AZUREML_MODEL_DIR", "/var/azureml-app/m",
                "PORT", "5001"), "--host", "0.0.0.0");
        assertThat(fromAzure.model.toString()).isEqualTo("/var/azureml-app/m");
        assertThat(fromAzure.port).isEqualTo(5001);
        assertThat(fromAzure.host).isEqualTo("0.0.0.0");
        ModelServerBuilder both = ModelServerMain.configure(Map.of("AZUREML_MODEL_DIR", "/a", "MODELBUILDER_MODEL",
                "/b"));
        assertThat(both.model.toString()).isEqualTo("/b");
        assertThat(both.port).isEqualTo(8080);
        assertThat(both.host).isEqualTo("127.0.0.1");
        assertThat(ModelServerMain.configure(Map.of("MODELBUILDER_MODEL", "/b"), "--model", "/c", "--port", "0")
                .model.toString()).isEqualTo("/c");
    }

    @Test
    void theSystemPropertyModelbuilderModelWinsOverTheEnvironment() {
        assertThat(ModelServerMain.MODEL.property()).isEqualTo("modelbuilder.model");
        assertThat(ModelServerMain.MODEL.environmentVariable()).isEqualTo(ModelServerMain.MODEL_VARIABLE);
        System.setProperty(ModelServerMain.MODEL.property(), "/from-property");
        try {
            assertThat(ModelServerMain.configure(Map.of("MODELBUILDER_MODEL", "/b", "AZUREML_MODEL_DIR", "/a"))
                    .model.toString()).isEqualTo("/from-property");
            assertThat(ModelServerMain.configure(Map.of(), "--model", "/c").model.toString()).isEqualTo("/c");
        } finally {
            System.clearProperty(ModelServerMain.MODEL.property());
        }
    }
}
