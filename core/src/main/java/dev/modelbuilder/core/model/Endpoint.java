package dev.modelbuilder.core.model;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTPS (or, locally, HTTP) endpoint that scores images with a model: the provider's view of it when it was asked.
 *
 * @param name the endpoint's name
 * @param workspace the workspace it belongs to
 * @param state its provisioning state
 * @param scoringUri where to send an image ({@code POST}), or {@code null} while the provider does not know it yet
 * @param deployment the deployment that serves its traffic (Azure: e.g. {@code blue}), or {@code null} when none
 * @param instanceType what each instance runs on (Azure: a VM size such as {@code Standard_DS3_v2}; locally
 *     {@code local}), or {@code null} when no deployment is known
 * @param instanceCount how many instances serve it (0 when no deployment is known)
 * @param model the model it serves, as the provider names it (Azure: the model version's id; locally the package's
 *     path), or {@code null}
 * @param traffic the share of requests, in percent, that each deployment gets (unmodifiable, in the provider's
 *     order)
 * @param id the provider's identifier of the endpoint (Azure: its Resource Manager id), or {@code null}
 */
public record Endpoint(String name, String workspace, EndpointState state, URI scoringUri, String deployment,
        String instanceType, int instanceCount, String model, Map<String, Integer> traffic, String id) {

    /**
     * Checks the required fields and copies the traffic.
     *
     * @throws NullPointerException if the name, workspace or state is missing
     */
    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(workspace, "workspace");
        Objects.requireNonNull(state, "state");
        traffic = Collections.unmodifiableMap(new LinkedHashMap<>(traffic == null ? Map.of() : traffic));
    }

    /** @return whether it answers requests now */
    public boolean isReady() {
        return state.equals(EndpointState.SUCCEEDED) && scoringUri != null;
    }
}
