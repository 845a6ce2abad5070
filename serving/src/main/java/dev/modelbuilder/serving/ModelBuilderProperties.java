package dev.modelbuilder.serving;

import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The starter's settings, under {@code modelbuilder.*}: which model to serve, how the engine runs, and the HTTP
 * server's limits. Every setting has a default except {@code modelbuilder.model}.
 *
 * @param model where the MLModel.zip is: a {@code classpath:} or {@code file:} resource, or a path (a folder is
 *     searched for exactly one MLModel.zip)
 * @param name what {@code GET /model} and the log call the model; by default the package's file name without
 *     {@code .zip}
 * @param engine how the prediction engine runs
 * @param server the HTTP endpoints and their limits
 */
@ConfigurationProperties("modelbuilder")
public record ModelBuilderProperties(String model, String name, @DefaultValue Engine engine, @DefaultValue Server server) {

    /**
     * How the prediction engine runs (see {@code PredictionEngineBuilder}).
     *
     * @param executionProvider {@code cpu}, {@code cuda} or {@code cuda:N} (device N); CUDA needs the
     *     {@code onnxruntime_gpu} artifact instead of {@code onnxruntime}
     * @param fallbackToCpu whether to run on the CPU, with a warning, when CUDA cannot be used (otherwise the
     *     model fails to load)
     * @param intraOpThreads ONNX Runtime threads for one inference; 0 lets ONNX Runtime choose (one per core)
     * @param batchSize images per inference in a batch request
     * @param preprocessingThreads threads that decode and resize the images of a batch; 0 means one per processor,
     *     at most 8
     * @param cache the cache of verified models and their optimized form, which makes later starts faster
     */
    public record Engine(@DefaultValue("cpu") String executionProvider, @DefaultValue("false") boolean fallbackToCpu,
            @DefaultValue("0") int intraOpThreads, @DefaultValue("8") int batchSize,
            @DefaultValue("0") int preprocessingThreads, @DefaultValue Cache cache) {
    }

    /**
     * The model cache (see {@code ModelCache}).
     *
     * @param enabled whether to keep a verified copy of the model and ONNX Runtime's optimized form of it
     * @param directory the cache folder; by default the SDK's ({@code ~/.modelbuilder/cache/models}, or under
     *     {@code -Dmodelbuilder.cache.dir})
     * @param maxSize the most the cache keeps, least recently used first out
     */
    public record Cache(@DefaultValue("true") boolean enabled, Path directory,
            @DefaultValue("4GB") DataSize maxSize) {
    }

    /**
     * The HTTP endpoints ({@code POST /predict}, {@code POST /predict/batch}, {@code GET /model},
     * {@code GET /health}, {@code GET /health/live}) and the limits that protect them.
     *
     * @param enabled whether the starter serves its endpoints and its problem-details error pages; false for an
     *     application that writes its own controller on the injected engine
     * @param maxImageSize the largest image accepted, as a raw body or as one multipart part (413
     *     {@code image_too_large} above)
     * @param maxBatchImages the most images in one {@code POST /predict/batch} (400 {@code too_many_images} above);
     *     the container's multipart part count follows it
     * @param maxRequestSize the largest multipart request (413 {@code request_too_large} above)
     * @param maxPixels the most pixels (width × height) an image may declare; larger ones are refused before they
     *     are decoded (422 {@code too_many_pixels}). Lower than the SDK's own cap, because a server decodes images
     *     for many clients at once
     * @param maxHeaderSize the largest request header (431 {@code header_too_large} above)
     * @param readTimeout the longest wait for the next bytes of a request; a client that stalls longer is cut off
     *     (408 {@code request_timeout} where an answer can still be sent)
     * @param requestTimeout the longest a request's body may take to arrive in whole, however steadily it trickles:
     *     past it the body is no longer read, the request is answered 408 {@code request_timeout} and its connection
     *     closed, so that slow uploads cannot hold the server's workers (a body is cut off at most one read timeout
     *     after it). At the default 60 s, a request of the largest size, 200 MB, needs 3.4 MB/s: raise it for large
     *     batches over slow links
     * @param maxConnections the most connections served at once; more wait in the operating system's backlog
     *     (default 1000: a connection still sending its headers holds no worker, so the cap stays well above the
     *     container's 200 workers)
     */
    public record Server(@DefaultValue("true") boolean enabled, @DefaultValue("10MB") DataSize maxImageSize,
            @DefaultValue("64") int maxBatchImages, @DefaultValue("200MB") DataSize maxRequestSize,
            @DefaultValue("40000000") long maxPixels, @DefaultValue("8KB") DataSize maxHeaderSize,
            @DefaultValue("10s") Duration readTimeout, @DefaultValue("60s") Duration requestTimeout,
            Integer maxConnections) {

        /**
         * Checks the timeouts and the connection cap.
         *
         * @throws ValidationException if a timeout is not above 0 or over a day, or the connection cap is below 1
         */
        public Server {
            requirePositive("modelbuilder.server.read-timeout", readTimeout);
            requirePositive("modelbuilder.server.request-timeout", requestTimeout);
            if (maxConnections != null && maxConnections < 1) {
                throw new ValidationException("modelbuilder.server.max-connections", maxConnections,
                        "give 1 or more (default 1000)");
            }
        }

        private static void requirePositive(String property, Duration value) {
            if (value == null || value.isNegative() || value.isZero() || value.compareTo(Duration.ofDays(1)) > 0) {
                throw new ValidationException(property, value, "give a duration above 0 and at most a day, e.g. 60s");
            }
        }
    }
}
