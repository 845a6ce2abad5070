package dev.modelbuilder.serving.implementation;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * Turns the starter's limits into the container's settings, as defaults that an application's own
 * {@code server.*} and {@code spring.servlet.multipart.*} settings override: the multipart part count follows
 * {@code max-batch-images} (Tomcat's default of 50 refused a 64-image batch), the part and request sizes follow
 * {@code max-image-size} and {@code max-request-size}, the connection limit follows the worker count, and so on.
 * Also keeps the names of the generated Web API ({@code modelbuilder.webapi.max-image-size},
 * {@code modelbuilder.webapi.max-batch-images}) working.
 */
public final class ServingEnvironment implements EnvironmentPostProcessor {
    /** The property source of the aliases of the old names. */
    static final String ALIASES = "modelbuilder-webapi-aliases";
    /** The property source of the container defaults. */
    static final String DEFAULTS = "modelbuilder-server-defaults";
    /** The generated Web API's names and their replacements. */
    static final Map<String, String> OLD_NAMES = Map.of("modelbuilder.webapi.max-image-size",
            "modelbuilder.server.max-image-size", "modelbuilder.webapi.max-batch-images",
            "modelbuilder.server.max-batch-images");

    /** Tomcat's worker count when {@code server.tomcat.threads.max} is not set. */
    static final int DEFAULT_MAX_CONNECTIONS = 1000;

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> aliases = new LinkedHashMap<>();
        OLD_NAMES.forEach((old, current) -> {
            if (environment.containsProperty(old) && !environment.containsProperty(current)) {
                aliases.put(current, environment.getProperty(old));
            }
        });
        if (!aliases.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource(ALIASES, aliases));
        }
        Binder binder = Binder.get(environment);
        if (!binder.bind("modelbuilder.server.enabled", Boolean.class).orElse(true)) {
            return;
        }
        DataSize maxImage = binder.bind("modelbuilder.server.max-image-size", DataSize.class)
                .orElse(DataSize.ofMegabytes(10));
        int maxBatch = binder.bind("modelbuilder.server.max-batch-images", Integer.class).orElse(64);
        DataSize maxRequest = binder.bind("modelbuilder.server.max-request-size", DataSize.class)
                .orElse(DataSize.ofMegabytes(200));
        DataSize maxHeader = binder.bind("modelbuilder.server.max-header-size", DataSize.class)
                .orElse(DataSize.ofKilobytes(8));
        Duration readTimeout = binder.bind("modelbuilder.server.read-timeout", Duration.class)
                .orElse(Duration.ofSeconds(10));
        // Tomcat's NIO connector holds no worker for a connection still sending its headers or idle between requests,
        // so connections are capped well above the workers: a cap at the worker count would let that many slow
        // clients shut everyone else out. A body being read holds a worker, for at most request-timeout.
        int maxConnections = binder.bind("modelbuilder.server.max-connections", Integer.class)
                .orElse(DEFAULT_MAX_CONNECTIONS);

        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("server.tomcat.max-part-count", String.valueOf(maxPartCount(maxBatch)));
        defaults.put("spring.servlet.multipart.max-file-size", maxImage.toBytes() + "B");
        defaults.put("spring.servlet.multipart.max-request-size", maxRequest.toBytes() + "B");
        // small images stay in memory; larger parts go to a temporary file while the request is read
        defaults.put("spring.servlet.multipart.file-size-threshold", "1MB");
        // parsed when the endpoint asks for its parts, so that a limit exceeded is answered by the endpoint's error
        // handling (the container gives an error page no body once it has given up reading the request)
        defaults.put("spring.servlet.multipart.resolve-lazily", "true");
        defaults.put("server.max-http-request-header-size", maxHeader.toBytes() + "B");
        defaults.put("server.tomcat.connection-timeout", readTimeout.toMillis() + "ms");
        defaults.put("server.tomcat.max-connections", String.valueOf(maxConnections));
        // requests in flight finish before the model is closed (Spring Boot's default since 3.4, said here)
        defaults.put("server.shutdown", "graceful");
        defaults.put("server.error.include-stacktrace", "never");
        defaults.put("server.error.include-message", "never");
        defaults.put("management.endpoints.web.exposure.include", "health,info,metrics");
        environment.getPropertySources().addLast(new MapPropertySource(DEFAULTS, defaults));
    }

    /**
     * @param maxBatchImages the most images in one batch
     * @return the container's part limit: one part per image, and one more so that a batch one image over the limit
     *     is refused by the endpoint, naming the image limit, rather than by the container
     */
    public static int maxPartCount(int maxBatchImages) {
        return maxBatchImages + 1;
    }
}
