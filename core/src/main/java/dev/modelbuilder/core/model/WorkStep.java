package dev.modelbuilder.core.model;

/**
 * The named steps of the SDK's long work, in the order a training job meets them: training, then what follows it
 * (packaging, project generation, evaluation), then deploying the model behind an endpoint. Every kind of progress is reported as events of these steps, and a
 * failure names the step it happened in.
 */
public enum WorkStep {
    /** Check the dataset before anything is uploaded or trained. */
    VALIDATE_DATA("validate data"),
    /** Upload the images to the workspace's storage (Azure). */
    UPLOAD_DATA("upload data"),
    /** Create or resize the compute. */
    PROVISION_COMPUTE("provision compute"),
    /** Wait for the run to start. */
    QUEUE("queue"),
    /** Fetch a pretrained backbone for transfer learning, or find it in the cache (local). */
    DOWNLOAD_BACKBONE("download backbone"),
    /** Run the backbone over the images once to compute their features (local transfer learning). */
    EXTRACT_FEATURES("extract features"),
    /** Train (epochs or trials). */
    TRAIN("train"),
    /** Download the best model (Azure). */
    DOWNLOAD_MODEL("download model"),
    /** Write MLModel.zip. */
    PACKAGE_MODEL("package model"),
    /** Generate the starter projects. */
    GENERATE_PROJECTS("generate projects"),
    /** Score the model on labelled images and compute its figures (also done on its own by an evaluation). */
    EVALUATE_MODEL("evaluate model"),
    /** Put the model (and, on Azure, the server's environment) where an endpoint's instances read it. */
    UPLOAD_MODEL("upload model"),
    /** Create or update the endpoint and its deployment, and route its traffic there. */
    DEPLOY_MODEL("deploy model"),
    /** Score a sample image through the new endpoint and check the answer. */
    TEST_ENDPOINT("test endpoint");

    private final String displayName;

    WorkStep(String displayName) {
        this.displayName = displayName;
    }

    /** @return the step in words, for progress output */
    public String displayName() {
        return displayName;
    }
}
