package dev.modelbuilder.examples;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.modelbuilder.azure.AzureMlProvider;
import dev.modelbuilder.azure.AzureVmSizes;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trains a ResNet50 image classifier with Azure Machine Learning AutoML on a GPU cluster, downloads it and scores
 * an image. Creates billable resources: a workspace (with storage, key vault, Application Insights) and a
 * compute cluster of one Standard_NC4as_T4_v3 node that scales to zero when idle.
 *
 * <pre>
 * export AZURE_SUBSCRIPTION_ID=... AZURE_RESOURCE_GROUP=...      # and sign in, e.g. with 'az login'
 * java -cp "examples/target/modelbuilder-examples.jar:examples/target/lib/*" dev.modelbuilder.examples.AzureTrainAndScore DATA_DIR IMAGE
 * </pre>
 */
public final class AzureTrainAndScore {
    private AzureTrainAndScore() {
    }

    /**
     * @param args the dataset folder and an image to score
     */
    public static void main(String[] args) {
        String subscription = System.getenv("AZURE_SUBSCRIPTION_ID");
        String resourceGroup = System.getenv().getOrDefault("AZURE_RESOURCE_GROUP", "modelbuilder-rg");
        if (subscription == null || args.length < 2) {
            System.err.println("usage: AZURE_SUBSCRIPTION_ID=... AzureTrainAndScore DATA_DIR IMAGE");
            System.exit(2);
        }
        try (ModelBuilder mb = ModelBuilder.using(AzureMlProvider.builder()
                .withCredential(new DefaultAzureCredentialBuilder().build())
                .withSubscriptionId(subscription).withResourceGroup(resourceGroup).build())
                .withListener(System.out::println)) {
            mb.workspaces().define("modelbuilder-ws").withRegion("eastus").withResourceGroup(resourceGroup).create();
            WorkspaceScope ws = mb.workspace("modelbuilder-ws");
            ws.computes().define("gpu-t4").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMinNodes(0).withMaxNodes(1)
                    .create();
            TrainingRun run = ws.runs().define(TrainingSpec.fromData(Path.of(args[0])).withCompute("gpu-t4")
                            .withTimeBudget(Duration.ofHours(1)).build())
                    .inExperiment("azure-example").beginCreate();
            System.out.println("follow the run at " + run.snapshot().portalLink().orElse(run.id()));
            TrainedModel model = run.waitForModel(Duration.ofHours(2), Path.of("azure-model"));
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                System.out.println(engine.predict(Path.of(args[1])));
            }
        }
    }
}
