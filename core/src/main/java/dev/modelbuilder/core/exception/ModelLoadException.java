package dev.modelbuilder.core.exception;

/**
 * A model or pipeline could not be loaded: a missing or corrupt ONNX file, a label map that does not match the
 * model, an unsafe or malformed MLModel.zip, an unusable execution provider.
 */
public class ModelLoadException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** @param message what could not be loaded and why */
    public ModelLoadException(String message) {
        super(message);
    }

    /**
     * @param message what could not be loaded and why
     * @param cause the underlying failure
     */
    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
