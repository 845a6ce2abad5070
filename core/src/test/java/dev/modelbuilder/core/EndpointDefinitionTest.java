package dev.modelbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.OperationNotSupportedException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointOptions;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.model.EndpointState;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.EndpointOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.testing.InMemoryProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Endpoints are validated offline in the order — the name (core's rule, then the provider's), the model folder,
 * then the provider's offline rules — and nothing reaches the provider's remote operations before that.
 */
class EndpointDefinitionTest {
    @TempDir
    Path temp;

    /** A provider whose endpoint operations record what they were asked. */
    private static final class Recording implements ModelBuilderProvider {
        final InMemoryProvider base = new InMemoryProvider();
        final List<String> asked = new CopyOnWriteArrayList<>();
        final EndpointOperations ops = new EndpointOperations() {
            @Override
            public void validateName(String name) {
                asked.add("validateName " + name);
                if (name.length() < 3) {
                    throw new ValidationException("endpoint name", name, "use 3 or more characters");
                }
            }

            @Override
            public void validate(EndpointSpec spec) {
                asked.add("validate " + spec.instanceType());
                if ("huge".equals(spec.instanceType())) {
                    throw new ValidationException("instance type", spec.instanceType(), "not in the catalog");
                }
            }

            @Override
            public LongRunningOperation<Endpoint> beginCreateOrUpdate(String workspace, EndpointSpec spec,
                    ProgressListener listener) {
                asked.add("create " + spec.name() + " " + spec.modelPackage().getFileName() + " x"
                        + spec.instanceCount());
                return PollingOperation.completed("create", new Endpoint(spec.name(), workspace,
                        EndpointState.SUCCEEDED, null, null, spec.instanceType(), spec.instanceCount(), null, null,
                        null), "t");
            }

            @Override
            public LongRunningOperation<Endpoint> resumeCreateOrUpdate(String resumeToken) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Endpoint get(String workspace, String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public PagedIterable<Endpoint> list(String workspace) {
                return PagedIterable.of(List.of());
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
                asked.add("delete " + name);
                return PollingOperation.completed("delete", new Deletion("endpoint", name, true), "");
            }

            @Override
            public EndpointPrediction invoke(String workspace, String name, byte[] image) {
                asked.add("invoke " + image.length);
                return new EndpointPrediction("daisy", 0.9, Map.of("daisy", 0.9), null);
            }

            @Override
            public String logs(String workspace, String name, EndpointLogSource source, int tailLines) {
                return source + " " + tailLines;
            }
        };

        @Override
        public EndpointOperations endpoints() {
            return ops;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public WorkspaceOperations workspaces() {
            return base.workspaces();
        }

        @Override
        public ComputeOperations computes() {
            return base.computes();
        }

        @Override
        public ExperimentOperations experiments() {
            return base.experiments();
        }

        @Override
        public RunOperations runs() {
            return base.runs();
        }

        @Override
        public void close() {
            base.close();
        }
    }

    private Path modelFolder() throws Exception {
        Path dir = Files.createDirectories(temp.resolve("model"));
        Files.write(dir.resolve("MLModel.zip"), new byte[] {'P', 'K', 3, 4, 0, 0});
        return dir;
    }

    @Test
    void aBadNameFailsBeforeTheFolderIsLookedAtAndTheProvidersRuleComesAfterCores() {
        Recording provider = new Recording();
        Endpoints endpoints = ModelBuilder.using(provider).workspace("ws1").endpoints();
        assertThatThrownBy(() -> endpoints.define("bad name")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("endpoint name");
        assertThat(provider.asked).isEmpty();
        assertThatThrownBy(() -> endpoints.define("ab")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("3 or more");
        assertThat(provider.asked).containsExactly("validateName ab");
    }

    @Test
    void theModelFolderIsCheckedBeforeTheProvidersOfflineRulesAndThenCreated() throws Exception {
        Recording provider = new Recording();
        Endpoints endpoints = ModelBuilder.using(provider).workspace("ws1").endpoints();
        assertThatThrownBy(() -> endpoints.define("flowers").withModel(temp).withInstanceType("huge").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("holds no MLModel.zip");
        Path notZip = Files.writeString(temp.resolve("MLModel.zip"), "not a zip");
        assertThatThrownBy(() -> endpoints.define("flowers").withModel(notZip).create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("not a zip archive");
        assertThat(provider.asked).containsExactly("validateName flowers", "validateName flowers");

        Path model = modelFolder();
        assertThatThrownBy(() -> endpoints.define("flowers").withModel(model).withInstanceType("huge").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("not in the catalog");
        assertThatThrownBy(() -> endpoints.define("flowers").withModel(model).withInstanceCount(0).create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("1 or more");
        assertThat(provider.asked).noneMatch(a -> a.startsWith("create"));

        Endpoint e = endpoints.define("flowers").withModel(model).withInstanceType("small").withInstanceCount(2)
                .create();
        assertThat(e.instanceCount()).isEqualTo(2);
        assertThat(provider.asked).contains("validate small", "create flowers MLModel.zip x2");
    }

    @Test
    void optionsOfAnotherProviderAreRefusedAndTheOwnOnesRead() throws Exception {
        EndpointOptions azure = () -> "azure";
        EndpointSpec spec = new EndpointSpec("flowers", modelFolder().resolve("MLModel.zip"), null, 1, azure);
        assertThatThrownBy(() -> spec.optionsFor("local", EndpointOptions.class, () -> null))
                .isInstanceOf(ValidationException.class).hasMessageContaining("provider 'local'");
        assertThat(spec.optionsFor("azure", EndpointOptions.class, () -> null)).isSameAs(azure);
    }

    @Test
    void invokeReadsTheImageAndLogsCheckTheirRange() throws Exception {
        Recording provider = new Recording();
        Endpoints endpoints = ModelBuilder.using(provider).workspace("ws1").endpoints();
        Path image = Files.write(temp.resolve("a.png"), new byte[] {1, 2, 3});
        assertThat(endpoints.invoke("flowers", image).label()).isEqualTo("daisy");
        assertThat(provider.asked).contains("invoke 3");
        assertThatThrownBy(() -> endpoints.invoke("flowers", temp.resolve("missing.png")))
                .isInstanceOf(ValidationException.class);
        assertThat(endpoints.logs("flowers")).isEqualTo("SERVER 100");
        assertThatThrownBy(() -> endpoints.logs("flowers", EndpointLogSource.SERVER, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aProviderWithoutEndpointsSaysSo() {
        InMemoryProvider plain = new InMemoryProvider();
        assertThatThrownBy(() -> ModelBuilder.using(plain).workspace("ws1").endpoints().define("flowers"))
                .isInstanceOf(OperationNotSupportedException.class).hasMessageContaining("memory");
    }
}
