package dev.modelbuilder.serving.implementation;

import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.multipart.MultipartException;

/**
 * Turns every failure into RFC 9457 problem details ({@code application/problem+json}) with the {@code error} code
 * that clients of the generated Web API read as an extension member. Never a stack trace or an exception's class in
 * an answer: a failure inside the server is logged, and answered 500 with a generic message.
 */
public final class Problems {
    private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
    /** The problem-details media type. */
    public static final MediaType PROBLEM_JSON = MediaType.APPLICATION_PROBLEM_JSON;
    /** Codes of refusals that concern an image, counted by {@link ServingMetrics#refused}. */
    static final Set<String> IMAGE_CODES = Set.of(ImageGate.EMPTY, ImageGate.NOT_AN_IMAGE, ImageGate.CORRUPT,
            ImageGate.TOO_LARGE, ImageGate.TOO_MANY_PIXELS, "insufficient_memory");

    private final ServingMetrics metrics;
    private final int maxPartCount;

    /**
     * @param metrics counts the images refused before the endpoints saw them (multipart limits)
     * @param maxPartCount the container's part limit, named in its message
     */
    public Problems(ServingMetrics metrics, int maxPartCount) {
        this.metrics = metrics;
        this.maxPartCount = maxPartCount;
    }

    /**
     * @param status the HTTP status
     * @param error the error code
     * @param detail what was wrong and how to fix it
     * @param instance the request's path, or null
     * @return the answer
     */
    public static ResponseEntity<ProblemDetail> answer(int status, String error, String detail, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(status), detail);
        HttpStatus known = HttpStatus.resolve(status);
        problem.setTitle(known == null ? "Error" : known.getReasonPhrase());
        if (instance != null) {
            problem.setInstance(URI.create(instance.replaceAll("[^A-Za-z0-9/._~-]", "_")));
        }
        problem.setProperty("error", error);
        return ResponseEntity.status(status).contentType(PROBLEM_JSON).body(problem);
    }

    /**
     * @param status an HTTP status
     * @return its code: the status's name in lower case ({@code not_found}, {@code method_not_allowed}, ...)
     */
    public static String code(int status) {
        HttpStatus known = HttpStatus.resolve(status);
        return known == null ? (status >= 500 ? "server_error" : "client_error")
                : known.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param failure what went wrong while a request was handled
     * @param instance the request's path, or null
     * @return its answer
     */
    public ResponseEntity<ProblemDetail> of(Throwable failure, String instance) {
        if (failure instanceof RequestRefusedException r) {
            return answer(r.status(), r.error(), r.getMessage(), instance);
        }
        if (ImageGate.causedByOutOfMemory(failure)) {
            RequestRefusedException r = ImageGate.outOfMemory("the request");
            return answer(r.status(), r.error(), r.getMessage(), instance);
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RequestDeadlineValve.Expired) {
                return answer(408, "request_timeout", "the request body took longer to arrive than the request "
                        + "timeout (modelbuilder.server.request-timeout) allows: send it again, faster or smaller",
                        instance);
            }
            if (t instanceof SocketTimeoutException) {
                RequestRefusedException r = PredictionController.readTimeout();
                return answer(r.status(), r.error(), r.getMessage(), instance);
            }
            // Tomcat's multipart limits, by name: the classes are Tomcat's internals, not API
            switch (t.getClass().getSimpleName()) {
                case "FileCountLimitExceededException" -> {
                    return answer(413, "too_many_parts", "the request has more than " + maxPartCount + " parts (one per "
                            + "image; modelbuilder.server.max-batch-images + 1): send fewer images per request",
                            instance);
                }
                case "FileSizeLimitExceededException" -> {
                    metrics.refused(ImageGate.TOO_LARGE);
                    return answer(413, ImageGate.TOO_LARGE, "an image of the request is larger than the limit "
                            + "(modelbuilder.server.max-image-size): send a smaller image or raise the limit",
                            instance);
                }
                case "SizeLimitExceededException" -> {
                    return answer(413, "request_too_large", "the request is larger than the limit "
                            + "(modelbuilder.server.max-request-size): send fewer or smaller images per request",
                            instance);
                }
                default -> {
                    // look further down the chain
                }
            }
        }
        if (failure instanceof MultipartException) {
            return answer(400, "bad_request", "the multipart body cannot be read: send the images as form fields "
                    + "named image", instance);
        }
        if (failure instanceof TypeMismatchException mismatch) {
            return answer(400, "bad_request", "parameter " + mismatch.getPropertyName() + " is '" + mismatch.getValue()
                    + "': " + (mismatch.getRequiredType() == Integer.class ? "give a whole number" : "check its value"),
                    instance);
        }
        if (failure instanceof HttpMessageNotReadableException) {
            return answer(400, "bad_request", "the request body cannot be read", instance);
        }
        if (failure instanceof ErrorResponse response && !response.getStatusCode().is5xxServerError()) {
            int status = response.getStatusCode().value();
            String detail = response.getBody().getDetail();
            return answer(status, code(status), detail == null ? "the request was refused" : detail, instance);
        }
        LOG.error("request {} failed", instance, failure);
        return answer(500, "internal_error", "the request failed inside the server: its log has the details", instance);
    }

    /**
     * Counts an image refusal.
     *
     * @param error the refusal's code
     */
    void countIfImage(String error) {
        if (IMAGE_CODES.contains(error)) {
            metrics.refused(error);
        }
    }
}
