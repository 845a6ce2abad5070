package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Endpoint;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What the endpoint commands share: the backend options, {@code --json}, and the workspace, which Azure requires and
 * the local backend defaults (its endpoints live in the process that deployed them).
 */
abstract class EndpointCommand extends BackendCommand {
    /** The workspace of local endpoints when none is named. */
    static final String LOCAL_WORKSPACE = "local";
    /** The environment variable the printed curl line reads the endpoint's key from. */
    static final String KEY_VARIABLE = "MODELBUILDER_ENDPOINT_KEY";

    @Option(names = "--workspace", paramLabel = "NAME",
            description = "The workspace (required with --backend azure; local: default '" + LOCAL_WORKSPACE + "').")
    String workspaceName;

    /**
     * @return the workspace
     * @throws ValidationException when Azure is the backend and no workspace is named
     */
    String workspace() {
        if (workspaceName != null) {
            return workspaceName;
        }
        if (backend.isAzure()) {
            throw new ValidationException("--workspace", null, "name the workspace that holds the endpoint");
        }
        return LOCAL_WORKSPACE;
    }

    /** @return the command that deletes the endpoint, with the options this command was given */
    String deleteCommand(String endpoint) {
        StringBuilder b = new StringBuilder("modelbuilder endpoints delete ").append(endpoint);
        if (backend.isAzure()) {
            b.append(" --backend azure --workspace ").append(workspace());
            b.append(" --subscription ").append(backend.subscription);
            b.append(" --resource-group ").append(backend.resourceGroup);
            if (backend.endpoint != null) {
                b.append(" --endpoint ").append(backend.endpoint);
            }
        }
        return b.toString();
    }

    /** @return the line that scores an image with curl, reading the key from {@value #KEY_VARIABLE} on Azure */
    String curlLine(Endpoint e) {
        String key = backend.isAzure() ? "-H \"Authorization: Bearer $" + KEY_VARIABLE + "\" " : "";
        return "curl " + key + "-H \"Content-Type: application/octet-stream\" --data-binary @IMAGE.jpg "
                + e.scoringUri();
    }

    /** @return the endpoint as one line of text */
    static String line(Endpoint e) {
        return e.name() + "  " + e.state() + "  " + (e.deployment() == null ? "-" : e.deployment()) + "  "
                + (e.instanceType() == null ? "-" : e.instanceCount() + " x " + e.instanceType()) + "  "
                + (e.scoringUri() == null ? "-" : e.scoringUri());
    }

    /** @return the endpoint's JSON shape */
    static Map<String, Object> view(Endpoint e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", e.name());
        m.put("workspace", e.workspace());
        m.put("state", e.state().value());
        m.put("scoringUri", e.scoringUri() == null ? null : e.scoringUri().toString());
        m.put("deployment", e.deployment());
        m.put("instanceType", e.instanceType());
        m.put("instanceCount", e.instanceCount());
        m.put("model", e.model());
        m.put("traffic", e.traffic());
        m.put("id", e.id());
        return m;
    }
}
