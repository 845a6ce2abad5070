package dev.modelbuilder.serving.implementation;

import java.time.Duration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/** Puts {@link RequestDeadlineValve} in the application's pipeline, before any servlet reads a body. */
public final class RequestDeadlineValveInstaller implements WebServerFactoryCustomizer<TomcatServletWebServerFactory> {
    private final Duration timeout;

    /** @param timeout how long a request's body may take to arrive ({@code modelbuilder.server.request-timeout}) */
    public RequestDeadlineValveInstaller(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextValves(new RequestDeadlineValve(timeout));
    }
}
