package dev.modelbuilder.cli;

import dev.modelbuilder.azure.AzureEndpointOptions;
import dev.modelbuilder.azure.AzureEndpointOptionsBuilder;
import dev.modelbuilder.azure.AzureOnlineSkus;
import dev.modelbuilder.core.EndpointDefinition;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.DeploymentFailedException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.local.LocalProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelbuilder deploy}: puts a model behind an endpoint. On Azure a managed online endpoint, after a
 * confirmation that says what bills; the model, the server's environment, the endpoint, its deployment and its
 * traffic, then a smoke test; it ends with the scoring URI, a curl line that reads the key from an environment
 * variable, and the delete command. Locally the {@code serve} server in this process, in the foreground until Ctrl-C.
 * Exit code 2 for bad input (found before any request, so before any credential is asked for), 1 for failures (a
 * failed deployment prints the tail of its containers' logs).
 */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = "Put a model behind an endpoint: an Azure Machine Learning managed online endpoint "
                + "(--backend azure), or the serve server in this process until Ctrl-C (--backend local).")
final class DeployCommand extends EndpointCommand implements ScoresImages {

    @Option(names = "--model-dir", required = true, paramLabel = "DIR",
            description = "The model folder a training run wrote (holding MLModel.zip), or the MLModel.zip.")
    Path modelDir;

    @Option(names = "--endpoint-name", required = true, paramLabel = "NAME",
            description = "The endpoint (Azure: 3-32 letters, digits or hyphens, starting with a letter; unique in "
                    + "the region).")
    String endpointName;

    @Option(names = "--instance-type", paramLabel = "TYPE", description = "Azure: the VM size of each instance, "
            + "from the managed online endpoints' list (default Standard_DS3_v2).")
    String instanceType;

    @Option(names = "--instance-count", defaultValue = "1", paramLabel = "N",
            description = "Azure: how many instances (default 1); each bills by the hour.")
    int instanceCount;

    @Option(names = "--deployment-name", paramLabel = "NAME", description = "Azure: the deployment (default blue).")
    String deploymentName;

    @Option(names = "--image", paramLabel = "REF", description = "Azure: an image of your own that runs the SDK's "
            + "server, instead of the one Azure Machine Learning builds from this tool's jars.")
    String image;

    @Option(names = "--yes", description = "Do not ask before creating billable Azure resources.")
    boolean yes;

    /** Held while a local endpoint runs: java.util.logging keeps only weak references to loggers. */
    private java.util.logging.Logger serverLog;

    @Override
    public Integer call() throws InterruptedException {
        if (!backend.isAzure()) {
            for (Map.Entry<String, Object> o : Map.<String, Object>of("--deployment-name", deploymentName == null
                    ? "" : deploymentName, "--image", image == null ? "" : image, "--instance-type",
                    instanceType == null ? "" : instanceType).entrySet()) {
                if (!o.getValue().toString().isEmpty()) {
                    throw new ValidationException(o.getKey(), o.getValue(), "it is an option of --backend azure; a "
                            + "local endpoint is the serve server in this process");
                }
            }
            if (instanceCount != 1) {
                throw new ValidationException("--instance-count", instanceCount, "it is an option of --backend azure; "
                        + "a local endpoint is one server in this process");
            }
        }
        String workspace = workspace();
        PrintWriter out = out();
        if (!backend.isAzure()) {
            serverLog = ServeCommand.quietServerLogging(spec.root().userObject() instanceof ModelBuilderCli cli
                    && cli.verbose);
        }
        ProgressRenderer progress = new ProgressRenderer(err(), ProgressRenderer.isTerminal());
        try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
            EndpointDefinition definition = mb.workspace(workspace).endpoints().define(endpointName)
                    .withModel(modelDir).withInstanceCount(instanceCount).withListener(progress);
            if (backend.isAzure()) {
                AzureEndpointOptionsBuilder options = AzureEndpointOptions.builder().withImage(image);
                if (deploymentName != null) {
                    options.withDeploymentName(deploymentName);
                }
                definition.withOptions(options.build()).withInstanceType(instanceType);
            }
            EndpointSpec spec = definition.toSpec();
            if (backend.isAzure()) {
                Confirmation.require(cost(workspace, spec), yes, err());
            }
            Endpoint endpoint;
            try {
                endpoint = definition.create();
            } catch (DeploymentFailedException e) {
                progress.close();
                printLogs(e);
                throw e;
            }
            progress.close();
            if (json) {
                out.println(Json.line(view(endpoint)));
            }
            if (!backend.isAzure()) {
                if (!json) {
                    out.println("Serving " + Printable.of(modelDir) + " as endpoint '" + endpointName + "' at "
                            + endpoint.scoringUri() + " (Ctrl-C stops it)");
                    out.println("Try: " + curlLine(endpoint));
                }
                out.flush();
                ((LocalProvider) mb.provider()).awaitEndpointStopped(workspace, endpointName);
                if (!json) {
                    out.println("Stopped.");
                }
                out.flush();
                return ModelBuilderCli.OK;
            }
            if (!json) {
                out.println("Endpoint '" + endpointName + "' is ready: " + endpoint.scoringUri() + " (deployment "
                        + endpoint.deployment() + ", " + endpoint.instanceCount() + " x " + endpoint.instanceType()
                        + ")");
                out.println("Score an image with its key in $" + KEY_VARIABLE + " (Azure portal: the endpoint's "
                        + "Consume tab; or az ml online-endpoint get-credentials -n " + endpointName + "):");
                out.println("  " + curlLine(endpoint));
                out.println("It bills until deleted: " + deleteCommand(endpointName));
            }
            out.flush();
        } finally {
            progress.close();
        }
        return ModelBuilderCli.OK;
    }

    private void printLogs(DeploymentFailedException e) {
        PrintWriter err = err();
        e.logs().forEach((source, text) -> {
            err.println("--- " + source + " log (last lines) ---");
            err.println(text.isBlank() ? "(empty)" : Printable.of(text.stripTrailing()).replace("\\n", "\n"));
        });
        err.flush();
    }

    /** What a managed online endpoint bills: the instances, by the hour, for as long as the endpoint exists. */
    String cost(String workspace, EndpointSpec spec) {
        String type = spec.instanceType() != null ? spec.instanceType() : AzureOnlineSkus.DEFAULT.name();
        int vcpus = AzureOnlineSkus.find(type).map(AzureOnlineSkus.Sku::vcpus).orElse(0);
        String deployment = deploymentName != null ? deploymentName : AzureEndpointOptions.DEFAULT_DEPLOYMENT;
        return String.format(Locale.ROOT, "This creates endpoint '%s' in workspace '%s' with deployment '%s' on %d x "
                + "%s (%d vCPUs each). Azure bills each instance by the hour, for as long as the endpoint exists, "
                + "whether or not it receives requests: a managed online endpoint cannot be stopped or scaled to zero, "
                + "only deleted (%s). The model and the server's image are stored in the workspace too. No price is "
                + "shown here: see Azure Machine Learning's pricing for %s in your region.", spec.name(), workspace,
                deployment, spec.instanceCount(), type, vcpus, deleteCommand(spec.name()), type);
    }
}
