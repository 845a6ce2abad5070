package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.core.exception.ImageTooLargeException;

import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.serving.HealthState;
import dev.modelbuilder.serving.ModelInfo;
import dev.modelbuilder.serving.PredictionResult;
import dev.modelbuilder.serving.ServedModel;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * The HTTP contract of a served model: {@code POST /predict} (raw image body, or the multipart field {@code image}),
 * {@code POST /predict/batch}, {@code GET /model}, {@code GET /health} (readiness) and {@code GET /health/live}.
 */
@RestController
public class PredictionController {
    private final ServedModel model;
    private final ImageGate gate;
    private final int maxBatchImages;
    private final ServingMetrics metrics;
    private final String sdkVersion;

    /**
     * @param model the served model
     * @param gate checks and decodes the uploads
     * @param maxBatchImages the most images in one batch request
     * @param metrics where the requests are counted
     * @param sdkVersion what {@code GET /model} reports as the SDK version
     */
    public PredictionController(ServedModel model, ImageGate gate, int maxBatchImages, ServingMetrics metrics,
            String sdkVersion) {
        this.model = model;
        this.gate = gate;
        this.maxBatchImages = maxBatchImages;
        this.metrics = metrics;
        this.sdkVersion = sdkVersion;
    }

    /**
     * Predicts the image sent as the request body.
     *
     * @param request the request, whose body is read up to the image size limit
     * @param top how many of the best scores to answer (every label, in label order, when absent)
     * @return the predicted label and the scores
     * @throws IOException when the body cannot be read
     */
    @PostMapping(path = "/predict", consumes = {"image/*", MediaType.APPLICATION_OCTET_STREAM_VALUE})
    public PredictionResult predictBody(HttpServletRequest request, @RequestParam(name = "top", required = false) Integer top)
            throws IOException {
        return timed("predict", () -> {
            Integer checked = checkTop(top);
            String source = "the request body";
            // a client that waits for "100 Continue" is refused before it sends the body; others are read up to
            // the limit first, so that they are still reading when the answer comes
            if (request.getContentLengthLong() > gate.maxImageBytes()
                    && "100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
                throw refusedImage(gate.tooLarge(source));
            }
            byte[] image = readBody(request.getInputStream(), source);
            return PredictionResult.of(predict(image, source), checked);
        });
    }

    /**
     * Predicts the image sent as the multipart field {@code image}.
     *
     * @param image the uploaded image
     * @param top how many of the best scores to answer (every label, in label order, when absent)
     * @return the predicted label and the scores
     * @throws IOException when the upload cannot be read
     */
    @PostMapping(path = "/predict", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public PredictionResult predictPart(@RequestParam("image") MultipartFile image,
            @RequestParam(name = "top", required = false) Integer top) throws IOException {
        return timed("predict", () -> {
            Integer checked = checkTop(top);
            String source = describe(image, 1);
            return PredictionResult.of(predict(bytes(image, source), source), checked);
        });
    }

    /**
     * Predicts several images sent as repeated multipart fields {@code image}, in one batch through the model.
     *
     * @param images the uploaded images
     * @param top how many of the best scores to answer per image
     * @return one prediction per image, in order
     * @throws IOException when an upload cannot be read
     */
    @PostMapping(path = "/predict/batch", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public List<PredictionResult> predictBatch(@RequestParam("image") List<MultipartFile> images,
            @RequestParam(name = "top", required = false) Integer top) throws IOException {
        return timed("batch", () -> {
            Integer checked = checkTop(top);
            if (images.size() > maxBatchImages) {
                throw new RequestRefusedException(400, "too_many_images", "the batch has " + images.size()
                        + " images, more than the limit of " + maxBatchImages
                        + " (modelbuilder.server.max-batch-images): send fewer per request");
            }
            List<byte[]> data = new ArrayList<>(images.size());
            List<String> sources = new ArrayList<>(images.size());
            for (int i = 0; i < images.size(); i++) {
                String source = describe(images.get(i), i + 1);
                byte[] bytes = bytes(images.get(i), source);
                check(bytes, source);
                data.add(bytes);
                sources.add(source);
            }
            List<Prediction> predictions = predictAll(data, sources);
            List<PredictionResult> out = new ArrayList<>(predictions.size());
            predictions.forEach(p -> out.add(PredictionResult.of(p, checked)));
            return out;
        });
    }

    /**
     * Readiness: 200 once the model is loaded, 503 before (or when it failed to load).
     *
     * @return the service's state
     */
    @GetMapping("/health")
    public ResponseEntity<HealthState> health() {
        HealthState state = state();
        return ResponseEntity.status(state.ready() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(state);
    }

    /**
     * Liveness: 200 as long as the service answers.
     *
     * @return the service's state
     */
    @GetMapping("/health/live")
    public HealthState live() {
        return state();
    }

    /**
     * @return the labels, the input size, the package's SHA-256 and the SDK version
     */
    @GetMapping("/model")
    public ModelInfo info() {
        PredictionEngine engine = engine();
        java.util.Map<String, Double> thresholds = new java.util.LinkedHashMap<>();
        if (engine.isMultiLabel()) {
            engine.labels().labels().forEach(l -> thresholds.put(l, engine.threshold(l)));
        }
        return new ModelInfo(model.name(), engine.labels().labels(), new ModelInfo.InputSize(
                engine.preprocessing().width(), engine.preprocessing().height()), model.sha256(), sdkVersion,
                engine.isMultiLabel(), thresholds);
    }

    private HealthState state() {
        ServedModel.Status status = model.status();
        return new HealthState(status == ServedModel.Status.READY ? "UP" : status.name(), true,
                status == ServedModel.Status.READY);
    }

    private PredictionEngine engine() {
        return switch (model.status()) {
            case READY -> model.engine();
            case LOADING -> throw new RequestRefusedException(503, "model_loading",
                    "the model is still loading: retry in a moment");
            case FAILED -> throw new RequestRefusedException(503, "model_failed",
                    "the model could not be loaded: the server log says why");
        };
    }

    private Prediction predict(byte[] image, String source) {
        PredictionEngine engine = engine();
        RgbImage decoded;
        try {
            decoded = gate.decode(image, source);
        } catch (RequestRefusedException e) {
            throw refusedImage(e);
        }
        return engine.predict(decoded);
    }

    private void check(byte[] image, String source) {
        try {
            gate.check(image, source);
        } catch (RequestRefusedException e) {
            throw refusedImage(e);
        }
    }

    /**
     * One batch through the engine, which decodes on its own threads. When it fails, each image is decoded alone to
     * name the first that cannot be (400); when they all decode, the failure was the server's.
     */
    private List<Prediction> predictAll(List<byte[]> images, List<String> sources) {
        PredictionEngine engine = engine();
        List<ImageSource> batch = new ArrayList<>(images.size());
        images.forEach(i -> batch.add(ImageSource.of(i)));
        // the engine decodes a batch on its own pool, drawing from the process-wide decode budget; its refusal of
        // one image is answered like ImageGate's
        try {
            return engine.predictBatch(batch);
        } catch (ScoringException e) {
            // before the size: the decoder reports an allocation that failed as an image too large to decode
            if (ImageGate.causedByOutOfMemory(e)) {
                throw refusedImage(ImageGate.outOfMemory("an image of the batch"));
            }
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ImageTooLargeException tooLarge) {
                    throw refusedImage(ImageGate.tooLargeToDecode("an image of the batch", tooLarge));
                }
            }
            for (int i = 0; i < images.size(); i++) {
                try {
                    gate.decode(images.get(i), sources.get(i));
                } catch (RequestRefusedException refused) {
                    throw refusedImage(refused);
                }
            }
            throw e;
        }
    }

    private RequestRefusedException refusedImage(RequestRefusedException e) {
        metrics.refused(e.error());
        return e;
    }

    private byte[] readBody(InputStream body, String source) throws IOException {
        try {
            byte[] image = body.readNBytes((int) Math.min(gate.maxImageBytes() + 1, Integer.MAX_VALUE - 8));
            if (image.length > gate.maxImageBytes()) {
                throw refusedImage(gate.tooLarge(source));
            }
            return image;
        } catch (SocketTimeoutException e) {
            throw readTimeout();
        }
    }

    private byte[] bytes(MultipartFile image, String source) throws IOException {
        if (image.getSize() > gate.maxImageBytes()) {
            throw refusedImage(gate.tooLarge(source));
        }
        return image.getBytes();
    }

    static RequestRefusedException readTimeout() {
        return new RequestRefusedException(408, "request_timeout", "the request body stopped arriving for longer than "
                + "the read timeout (modelbuilder.server.read-timeout): send it again");
    }

    private static Integer checkTop(Integer top) {
        if (top != null && top < 1) {
            throw new RequestRefusedException(400, "invalid_top",
                    "top is " + top + ": give 1 or more, or leave it out for every label");
        }
        return top;
    }

    private static String describe(MultipartFile image, int position) {
        String file = image.getOriginalFilename();
        return "image #" + position + (file == null || file.isBlank() ? "" : " (" + file + ")");
    }

    /** A request's work, which may throw what the endpoints throw. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws IOException;
    }

    private <T> T timed(String endpoint, Work<T> work) throws IOException {
        long start = System.nanoTime();
        ServingMetrics.Outcome outcome = ServingMetrics.Outcome.FAILED;
        try {
            T result = work.run();
            outcome = ServingMetrics.Outcome.SUCCESS;
            return result;
        } catch (RequestRefusedException e) {
            outcome = e.status() < 500 ? ServingMetrics.Outcome.REFUSED : ServingMetrics.Outcome.FAILED;
            throw e;
        } catch (InvalidStateException e) {
            throw new RequestRefusedException(503, "model_closed", "the model is being closed: the server is stopping");
        } finally {
            metrics.prediction(endpoint, outcome, Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
