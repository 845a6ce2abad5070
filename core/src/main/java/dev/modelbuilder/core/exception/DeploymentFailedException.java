package dev.modelbuilder.core.exception;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model could not be put behind an endpoint: the provider's deployment failed (Azure: the image did not build, the
 * quota did not cover the instances, the server did not answer its probes). The message says what the service said
 * and what to do; {@link #logs()} holds the tail of the instance's logs that were fetched to explain it.
 */
public class DeploymentFailedException extends RemoteOperationException {
    private static final long serialVersionUID = 1L;
    private final transient Map<String, String> logs;

    /**
     * @param message what failed and what to do
     * @param details what the service said, or {@code null}
     * @param logs the tail of each log fetched, by source (e.g. {@code inference-server}); may be empty
     */
    public DeploymentFailedException(String message, ServiceErrorDetails details, Map<String, String> logs) {
        super(message, details);
        this.logs = Collections.unmodifiableMap(new LinkedHashMap<>(logs == null ? Map.of() : logs));
    }

    /** @return the tail of each log fetched, by source, in the order they were fetched (unmodifiable) */
    public Map<String, String> logs() {
        return logs == null ? Map.of() : logs;
    }
}
