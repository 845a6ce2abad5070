package dev.modelbuilder.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.exception.ModelBuilderException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An ARM long-running operation (https://learn.microsoft.com/azure/azure-resource-manager/management/async-operations):
 * polls the {@code Azure-AsyncOperation} URL when the first answer had one, else the {@code Location} URL (202 while
 * running, 200/204 when done), else the resource's {@code properties.provisioningState}; honours
 * {@code Retry-After}; accepts polling URLs of any length (Azure Machine Learning's signed URLs run to kilobytes)
 * and never logs them. The final result is fetched with a GET of the resource once the operation succeeded.
 *
 * @param <T> the final result
 */
final class ArmOperation<T> extends PollingOperation<T> {
    private final ArmClient arm;
    private final String asyncUrl;
    private final String locationUrl;
    private final String stateUrl;
    private final Supplier<T> result;
    private final String token;
    private volatile Function<ServiceErrorDetails, ModelBuilderException> failure = d -> null;

    private ArmOperation(ArmClient arm, ProviderParameters settings, String description, PollResponse<T> first,
            ProgressListener listener, String asyncUrl, String locationUrl, String stateUrl, Supplier<T> result,
            String token) {
        super(description, first, listener, settings.pollInterval(), settings.clock(), settings.sleeper());
        this.arm = arm;
        this.asyncUrl = asyncUrl;
        this.locationUrl = locationUrl;
        this.stateUrl = stateUrl;
        this.result = result;
        this.token = token;
    }

    /**
     * Says how to type a failure this operation's caller knows better than a {@link RemoteOperationException}: a
     * workspace deployment that met a soft-deleted workspace, say.
     *
     * @param typed the typed error for what the service said, or {@code null} to keep the generic one
     * @return this operation
     */
    ArmOperation<T> withFailure(Function<ServiceErrorDetails, ModelBuilderException> typed) {
        this.failure = typed;
        return this;
    }

    /**
     * Starts following an operation from its first answer.
     *
     * @param arm the client
     * @param settings poll interval, clock and sleeper
     * @param description what it does, e.g. {@code create compute 'gpu'}
     * @param first the answer to the PUT, PATCH or DELETE
     * @param stateUrl the resource URL whose {@code provisioningState} tells the outcome when the answer names no
     *     polling URL, or {@code null}
     * @param result fetches the final result
     * @param token the resume token
     * @param listener told of status changes
     * @param <T> the result type
     * @return the operation
     */
    static <T> ArmOperation<T> start(ArmClient arm, ProviderParameters settings, String description, ArmResponse first,
            String stateUrl, Supplier<T> result, String token, ProgressListener listener) {
        String async = first.header(ArmResponse.ASYNC_OPERATION);
        String location = async == null ? first.header(HttpHeaderName.LOCATION) : null;
        String state = Json.text(first.json(), "/properties/provisioningState");
        PollResponse<T> initial;
        if (async != null || location != null || (first.status() == 202 && stateUrl != null)) {
            initial = PollResponse.inProgress(first.retryAfter());
        } else if (stateUrl != null && state != null) {
            initial = fromState(state, first.json(), first);
        } else {
            initial = PollResponse.succeeded(null);
        }
        return new ArmOperation<>(arm, settings, description, initial, listener, async, location, stateUrl, result,
                token);
    }

    /**
     * Follows an operation by the provisioning state of a resource (e.g. when resuming after a restart).
     */
    static <T> ArmOperation<T> byState(ArmClient arm, ProviderParameters settings, String description, String stateUrl,
            Supplier<T> result, String token, ProgressListener listener) {
        return new ArmOperation<>(arm, settings, description, PollResponse.inProgress(null), listener, null, null,
                stateUrl, result, token);
    }

    private static <T> PollResponse<T> fromState(String state, JsonNode resource, ArmResponse r) {
        OperationStatus status = OperationStatus.fromString(state);
        if (status.equals(OperationStatus.FAILED) || status.equals(OperationStatus.CANCELED)) {
            return new PollResponse<>(status, null, r.retryAfter(), resourceError(resource, r));
        }
        return new PollResponse<>(status, null, r.retryAfter(), null);
    }

    private static ServiceErrorDetails resourceError(JsonNode resource, ArmResponse r) {
        JsonNode errors = resource.at("/properties/provisioningErrors");
        if (errors.isArray() && !errors.isEmpty()) {
            return ArmErrors.details(errors.get(0), r.status(), r.requestId());
        }
        JsonNode error = resource.at("/properties/error");
        if (error.isObject()) {
            return ArmErrors.details(error, r.status(), r.requestId());
        }
        return new ServiceErrorDetails(r.status(), "ProvisioningFailed", "the resource's provisioning state is "
                + Json.text(resource, "/properties/provisioningState"), r.requestId());
    }

    @Override
    protected PollResponse<T> pollOnce() {
        if (asyncUrl != null) {
            ArmResponse r = arm.follow(asyncUrl);
            if (r.status() == 404 && stateUrl != null) {
                return pollState();
            }
            ArmClient.check(r, description(), "operation", description());
            JsonNode body = r.json();
            OperationStatus status = OperationStatus.fromString(Json.text(body, "/status"));
            ServiceErrorDetails error = null;
            if (status.equals(OperationStatus.FAILED) || status.equals(OperationStatus.CANCELED)) {
                error = body.has("error") ? ArmErrors.details(body.get("error"), r.status(), r.requestId())
                        : new ServiceErrorDetails(r.status(), status.value(), description() + " ended as " + status,
                                r.requestId());
            }
            return new PollResponse<>(status, null, r.retryAfter(), error);
        }
        if (locationUrl != null) {
            ArmResponse r = arm.follow(locationUrl);
            if (r.status() == 202) {
                return PollResponse.inProgress(r.retryAfter());
            }
            if (r.isSuccess()) {
                return PollResponse.succeeded(null);
            }
            if (r.status() == 401 || r.status() == 403 || r.status() == 429) {
                ArmClient.check(r, description(), "operation", description());
            }
            return new PollResponse<>(OperationStatus.FAILED, null, null, ArmErrors.details(r));
        }
        if (stateUrl != null) {
            return pollState();
        }
        return PollResponse.succeeded(null);
    }

    private PollResponse<T> pollState() {
        ArmResponse r = arm.send(HttpMethod.GET, stateUrl, null);
        if (r.status() == 404) {
            return new PollResponse<>(OperationStatus.FAILED, null, null, ArmErrors.details(r));
        }
        ArmClient.check(r, description(), "resource", description());
        String state = Json.text(r.json(), "/properties/provisioningState");
        return fromState(state == null ? "Succeeded" : state, r.json(), r);
    }

    @Override
    protected T fetchResult(PollResponse<T> lastResponse) {
        return lastResponse.value() != null ? lastResponse.value() : result.get();
    }

    @Override
    public synchronized T finalResult() {
        try {
            return super.finalResult();
        } catch (RemoteOperationException e) {
            ServiceErrorDetails d = e.details().orElse(null);
            ModelBuilderException typed = d == null ? null : failure.apply(d);
            if (typed != null) {
                throw typed;
            }
            if (d != null && ArmErrors.isQuota(d)) {
                QuotaExceededException q = ArmErrors.quota(d);
                if (q != null) {
                    throw q;
                }
            }
            throw e;
        }
    }

    @Override
    public String resumeToken() {
        return token;
    }
}
