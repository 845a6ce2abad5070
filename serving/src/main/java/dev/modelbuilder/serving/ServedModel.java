package dev.modelbuilder.serving;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.scoring.ExecutionProvider;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.scoring.PredictionEngineBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.Resource;
import org.springframework.core.io.ResourceLoader;

/**
 * The model the application serves: loads the MLModel.zip named by {@code modelbuilder.model} on a background thread
 * when {@link #start()} is called (so that the server answers {@code /health} while a large model loads), and closes
 * its engine on {@link #close()}. One per application context; thread-safe.
 *
 * <p>The starter's endpoints, health indicator and {@code PredictionEngine} bean read it; an application's own code
 * usually injects the {@code PredictionEngine} bean instead (which waits for the load).
 */
public final class ServedModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServedModel.class);
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?");
    /** The property that names the model, as errors call it. */
    public static final String MODEL_PROPERTY = "modelbuilder.model";

    /** Where a served model is. */
    public enum Status {
        /** Still loading: predictions wait or are answered 503. */
        LOADING,
        /** Loaded: predictions are served. */
        READY,
        /** The load failed (the log says why): predictions are answered 503. */
        FAILED
    }

    private record Loaded(PredictionEngine engine, String sha256) {
    }

    private final ModelBuilderProperties properties;
    private final Source source;
    private final String name;
    private final CompletableFuture<Loaded> loading = new CompletableFuture<>();
    private volatile boolean started;

    /** A package file, or a resource read as a stream (inside a jar). */
    private record Source(Path file, Resource resource, String description) {
    }

    /**
     * Checks where the model is (fails at once when nothing is there); loads nothing yet.
     *
     * @param properties the starter's settings
     * @param resources resolves {@code classpath:} and {@code file:} locations
     * @throws ValidationException if {@code modelbuilder.model} is missing, names nothing, or names a folder without
     *     exactly one MLModel.zip, or if an engine setting is invalid
     */
    public ServedModel(ModelBuilderProperties properties, ResourceLoader resources) {
        this.properties = Objects.requireNonNull(properties, "properties");
        Objects.requireNonNull(resources, "resources");
        executionProvider(properties.engine().executionProvider());
        this.source = locate(properties.model(), resources);
        String fileName = source.file != null ? source.file.getFileName().toString()
                : Objects.requireNonNullElse(source.resource.getFilename(), ModelLocation.PACKAGE_FILE);
        this.name = properties.name() != null && !properties.name().isBlank() ? properties.name()
                : fileName.toLowerCase(Locale.ROOT).endsWith(".zip") ? fileName.substring(0, fileName.length() - 4)
                : fileName;
    }

    private static Source locate(String location, ResourceLoader resources) {
        if (location == null || location.isBlank()) {
            throw new ValidationException(MODEL_PROPERTY, null, "set it to the MLModel.zip to serve: a classpath: or "
                    + "file: resource, or a path");
        }
        if (location.startsWith(ResourceLoader.CLASSPATH_URL_PREFIX) || location.startsWith("file:")) {
            Resource resource = resources.getResource(location);
            if (!resource.exists()) {
                throw new ValidationException(MODEL_PROPERTY, location, "no such resource: give an existing MLModel.zip");
            }
            if (resource.isFile()) {
                try {
                    return new Source(ModelLocation.find(resource.getFile().toPath(), MODEL_PROPERTY), null, location);
                } catch (IOException e) {
                    throw new FileAccessException(Path.of(location), "cannot open " + location + ": " + e.getMessage(),
                            e);
                }
            }
            return new Source(null, resource, location);
        }
        Path file = ModelLocation.find(Path.of(location), MODEL_PROPERTY);
        return new Source(file, null, file.toString());
    }

    /**
     * @param value {@code cpu}, {@code cuda} or {@code cuda:N}
     * @return the execution provider
     * @throws ValidationException for anything else
     */
    static ExecutionProvider executionProvider(String value) {
        String v = value == null ? "cpu" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return ExecutionProvider.cpu();
        }
        Matcher cuda = CUDA.matcher(v);
        if (cuda.matches()) {
            return cuda.group(1) == null ? ExecutionProvider.cuda() : ExecutionProvider.cuda(Integer.parseInt(cuda.group(1)));
        }
        throw new ValidationException("modelbuilder.engine.execution-provider", value, "use cpu, cuda or cuda:N");
    }

    /** Starts loading on a daemon thread; idempotent. */
    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        Thread loader = new Thread(this::load, "modelbuilder-load-model");
        loader.setDaemon(true);
        loader.start();
    }

    private void load() {
        long start = System.nanoTime();
        try {
            Loaded loaded = source.file != null ? loadFile(source.file) : loadResource(source.resource);
            LOG.info("Loaded the {} model ({}, SHA-256 {}) in {} ms", name, source.description, loaded.sha256,
                    (System.nanoTime() - start) / 1_000_000);
            if (!loading.complete(loaded)) {
                loaded.engine.close(); // closed while loading
            }
        } catch (RuntimeException | IOException e) {
            LOG.error("Cannot load the {} model from {}: {}", name, source.description, e.getMessage(), e);
            loading.completeExceptionally(e instanceof ModelLoadException ? e
                    : new ModelLoadException("cannot load the " + name + " model from " + source.description + ": "
                            + e.getMessage(), e));
        } catch (Error e) {
            loading.completeExceptionally(new ModelLoadException("cannot load the " + name + " model: " + e, e));
            throw e;
        }
    }

    private Loaded loadFile(Path file) throws IOException {
        String sha256;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256Digest())) {
            in.transferTo(OutputStream.nullOutputStream());
            sha256 = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
        return new Loaded(builder().withModelPackage(file).build(), sha256);
    }

    private Loaded loadResource(Resource resource) throws IOException {
        try (DigestInputStream in = new DigestInputStream(resource.getInputStream(), sha256Digest())) {
            PredictionEngine engine = builder().withModelPackage(in).build();
            in.transferTo(OutputStream.nullOutputStream()); // what the archive reader left unread still counts
            return new Loaded(engine, HexFormat.of().formatHex(in.getMessageDigest().digest()));
        }
    }

    /**
     * The options the engine is built with, as {@code modelbuilder.engine.*} and the image size limit give them.
     *
     * @param executionProvider where inference runs
     * @param fallbackToCpu whether CUDA that cannot be used falls back to the CPU
     * @param intraOpThreads ONNX Runtime's threads for one inference (0: its choice)
     * @param batchSize images per inference in a batch
     * @param preprocessingThreads threads that decode and resize a batch (0: one per processor, at most 8)
     * @param cache the model cache, or null when it is off
     * @param maxImageBytes the largest encoded image the engine reads
     */
    record EngineParameters(ExecutionProvider executionProvider, boolean fallbackToCpu, int intraOpThreads, int batchSize,
            int preprocessingThreads, ModelCache cache, long maxImageBytes) {
    }

    /** @return the options the engine is (or will be) built with */
    EngineParameters engineParameters() {
        ModelBuilderProperties.Engine e = properties.engine();
        ModelCache cache = null;
        if (e.cache().enabled()) {
            cache = (e.cache().directory() == null ? ModelCache.defaultCache() : ModelCache.at(e.cache().directory()))
                    .withMaxBytes(e.cache().maxSize().toBytes());
        }
        return new EngineParameters(executionProvider(e.executionProvider()), e.fallbackToCpu(), e.intraOpThreads(),
                e.batchSize(), e.preprocessingThreads(), cache, properties.server().maxImageSize().toBytes());
    }

    private PredictionEngineBuilder builder() {
        EngineParameters o = engineParameters();
        return PredictionEngine.builder().withModelCache(o.cache()).withExecutionProvider(o.executionProvider())
                .withFallbackToCpu(o.fallbackToCpu()).withIntraOpThreads(o.intraOpThreads())
                .withBatchSize(o.batchSize()).withPreprocessingThreads(o.preprocessingThreads())
                .withMaxImageBytes(o.maxImageBytes());
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    /** @return what {@code GET /model} and the log call the model */
    public String name() {
        return name;
    }

    /** @return where the model is loaded from, as configured */
    public String location() {
        return source.description;
    }

    /** @return whether the model is loading, loaded or failed */
    public Status status() {
        if (!loading.isDone()) {
            return Status.LOADING;
        }
        return loading.isCompletedExceptionally() ? Status.FAILED : Status.READY;
    }

    /**
     * @return the loaded engine
     * @throws InvalidStateException while the model loads, or when its load failed
     */
    public PredictionEngine engine() {
        return loaded().engine;
    }

    /**
     * @return the SHA-256 of the MLModel.zip served
     * @throws InvalidStateException while the model loads, or when its load failed
     */
    public String sha256() {
        return loaded().sha256;
    }

    private Loaded loaded() {
        if (!loading.isDone()) {
            throw new InvalidStateException("the " + name + " model is still loading: retry in a moment");
        }
        try {
            return loading.join();
        } catch (CompletionException e) {
            throw new InvalidStateException("the " + name + " model could not be loaded: " + e.getCause().getMessage());
        }
    }

    /**
     * Waits for the load (starting it when {@link #start()} was not called).
     *
     * @param timeout how long to wait at most
     * @return the engine
     * @throws ModelLoadException if the load failed
     * @throws OperationTimeoutException if it did not end within the timeout
     * @throws InvalidStateException if the waiting thread is interrupted
     */
    public PredictionEngine awaitEngine(Duration timeout) {
        start();
        try {
            return loading.get(timeout.toNanos(), TimeUnit.NANOSECONDS).engine;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof ModelLoadException m ? m
                    : new ModelLoadException("cannot load the " + name + " model: " + e.getCause().getMessage(), e);
        } catch (TimeoutException e) {
            throw new OperationTimeoutException("loading the " + name + " model", timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidStateException("interrupted while the " + name + " model loaded");
        }
    }

    /** Closes the engine (after the predictions already running); a model still loading is closed when it ends. */
    @Override
    public void close() {
        if (loading.completeExceptionally(new InvalidStateException("the " + name + " model was closed"))) {
            return;
        }
        if (status() == Status.READY) {
            loading.join().engine.close();
            LOG.info("Closed the {} model", name);
        }
    }
}
