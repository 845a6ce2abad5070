package dev.modelbuilder.core.model;

/** The named steps of a training job, in order. A failure names the step it happened in. */
public enum WorkStep {
    /** Check the dataset before anything is uploaded or trained. */
    VALIDATE_DATA("validate data"),
    /** Upload the images to the workspace's storage (Azure). */
    UPLOAD_DATA("upload data"),
    /** Create or resize the compute. */
    PROVISION_COMPUTE("provision compute"),
    /** Wait for the run to start. */
    QUEUE("queue"),
    /** Train (epochs or trials). */
    TRAIN("train"),
    /** Download the best model (Azure). */
    DOWNLOAD_MODEL("download model"),
    /** Write MLModel.zip. */
    PACKAGE_MODEL("package model"),
    /** Generate the starter projects. */
    GENERATE_PROJECTS("generate projects"),
    /** Score the model on labelled images and compute its figures (also done on its own by an evaluation). */
    EVALUATE_MODEL("evaluate model");

    private final String displayName;

    WorkStep(String displayName) {
        this.displayName = displayName;
    }

    /** @return the step in words, for progress output */
    public String displayName() {
        return displayName;
    }
}
