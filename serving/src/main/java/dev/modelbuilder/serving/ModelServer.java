package dev.modelbuilder.serving;

import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ValidationException;
import java.net.BindException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The starter's server without an application of one's own: what {@code modelbuilder serve} runs.
 *
 * <pre>{@code
 * try (ModelServer server = ModelServer.builder().withModel(Path.of("MLModel.zip")).withPort(8080).build()) {
 *     URI url = server.start();          // returns once the model is loaded
 *     server.awaitShutdown();            // until close() or the JVM's shutdown (Ctrl-C)
 * }
 * }</pre>
 */
public final class ModelServer implements AutoCloseable {
    /** How long {@link #start()} waits for the model to load. */
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(10);

    private final Path model;
    private final String host;
    private final int port;
    private final Map<String, String> properties;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConfigurableApplicationContext context;
    private URI url;
    private volatile Path served;

    ModelServer(ModelServerBuilder builder) {
        this.model = builder.model;
        this.host = builder.host;
        this.port = builder.port;
        this.properties = Map.copyOf(builder.properties);
    }

    /** The application it runs: the starter's auto-configuration alone, no component scan. */
    @org.springframework.boot.SpringBootConfiguration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.EnableAutoConfiguration
    static class Application {
    }

    /** @return a builder */
    public static ModelServerBuilder builder() {
        return new ModelServerBuilder();
    }

    /**
     * Starts the server and waits for the model to load.
     *
     * @return the server's base URL, e.g. {@code http://127.0.0.1:8080}
     * @throws ValidationException if the model is missing, a folder holds no or several packages, or the port is in
     *     use
     * @throws dev.modelbuilder.core.exception.ModelLoadException if the model cannot be loaded
     * @throws InvalidStateException if it was started before
     */
    public synchronized URI start() {
        if (context != null) {
            throw new InvalidStateException("the server was started before");
        }
        Path zip = ModelLocation.find(model, "model");
        served = zip;
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(ServedModel.MODEL_PROPERTY, zip.toAbsolutePath().toString());
        settings.put("server.address", host);
        settings.put("server.port", String.valueOf(port));
        settings.put("spring.main.banner-mode", "off");
        settings.putAll(properties);
        SpringApplication application = new SpringApplication(Application.class);
        application.setWebApplicationType(WebApplicationType.SERVLET);
        application.setDefaultProperties(settings);
        application.addListeners((ContextClosedEvent e) -> stopped.countDown());
        try {
            // command-line style arguments: above the application's own files, as --model and --port should be
            context = application.run(settings.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                    .toArray(String[]::new));
        } catch (RuntimeException e) {
            throw translate(e);
        }
        try {
            context.getBean(ServedModel.class).awaitEngine(LOAD_TIMEOUT);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
        String local = context.getEnvironment().getProperty("local.server.port");
        String shown = host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]"
                : host;
        url = URI.create("http://" + shown + ":" + local);
        return url;
    }

    private RuntimeException translate(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new ValidationException("port", port, "cannot listen on " + host + ":" + port + " ("
                        + t.getMessage() + "): choose another port or stop what uses it");
            }
            if (t instanceof ModelBuilderException m) {
                return m;
            }
        }
        return e;
    }

    /**
     * @return the base URL
     * @throws InvalidStateException before {@link #start()}
     */
    public URI url() {
        if (url == null) {
            throw new InvalidStateException("the server has not started");
        }
        return url;
    }

    /**
     * @return the package it serves: the model given, or the one MLModel.zip found in the folder given
     * @throws InvalidStateException before {@link #start()}
     */
    public Path model() {
        if (served == null) {
            throw new InvalidStateException("the server has not started");
        }
        return served;
    }

    /**
     * Waits until the server stops: {@link #close()} from another thread, or the JVM's shutdown (Ctrl-C, SIGTERM),
     * which lets the requests in flight finish first.
     *
     * @throws InvalidStateException if the waiting thread is interrupted (its interrupt flag stays set); the server
     *     keeps running until {@link #close()}
     */
    public void awaitShutdown() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InvalidStateException("interrupted while waiting for the server to stop");
        }
    }

    /** Stops the server (requests in flight finish first) and closes the model. Idempotent. */
    @Override
    public synchronized void close() {
        if (context != null) {
            context.close();
        }
        stopped.countDown();
    }
}
