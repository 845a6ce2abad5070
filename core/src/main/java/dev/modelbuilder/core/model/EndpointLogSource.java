package dev.modelbuilder.core.model;

/** Which output of an endpoint's instance {@code Endpoints.logs} reads. */
public enum EndpointLogSource {
    /** The server that scores the requests: its start, its model load, its errors. */
    SERVER,
    /**
     * What puts the model in place before the server starts (Azure: the storage initializer, which mounts the
     * registered model); providers without one answer with an empty log.
     */
    STORAGE_INITIALIZER
}
