package dev.modelbuilder.serving.implementation;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * A deadline for reading a request's whole body ({@code modelbuilder.server.request-timeout}). Tomcat's own timeout
 * bounds only the wait for the next bytes, so a client that sends one byte every few seconds held a worker for as long
 * as it liked. Every read of the body, by the endpoints or by the container's multipart parser, passes through here
 * (the valve wraps the connection's input for the time of the request); once the deadline has passed, the next read
 * fails with {@link Expired}, the rest of the body is not read, the request is answered 408 {@code request_timeout}
 * and the connection is closed.
 */
public final class RequestDeadlineValve extends ValveBase {
    /**
     * The request attribute that holds the {@link Expired} failure once the deadline passed: the container's multipart
     * parser reports a failed read as a body it cannot parse, so the error handlers look here first.
     */
    public static final String EXPIRED_ATTRIBUTE = RequestDeadlineValve.class.getName() + ".expired";

    private final Duration timeout;

    /** @param timeout how long a request's body may take to arrive */
    public RequestDeadlineValve(Duration timeout) {
        super(true);
        this.timeout = timeout;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        InputBuffer body = coyote.getInputBuffer();
        // the connection's processor, and its input, serve the next request too: put its input back afterwards
        coyote.setInputBuffer(new Deadline(body, request, System.nanoTime() + timeout.toNanos(), timeout));
        try {
            getNext().invoke(request, response);
        } finally {
            coyote.setInputBuffer(body);
        }
    }

    /**
     * The body did not arrive within the deadline. A {@link SocketTimeoutException}, as Tomcat's own read timeout,
     * so that the container answers 408 like it does for that one.
     */
    public static final class Expired extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        Expired(Duration timeout) {
            super("the request body took longer than " + timeout.toMillis() + " ms to arrive");
        }
    }

    /** The connection's input with a deadline. */
    private record Deadline(InputBuffer body, Request request, long deadlineNanos, Duration timeout)
            implements InputBuffer {
        @Override
        public int doRead(ApplicationBufferHandler handler) throws IOException {
            if (System.nanoTime() - deadlineNanos > 0) {
                // what is left of the body is not read: the answer goes out and the connection is closed
                request.getCoyoteRequest().action(ActionCode.DISABLE_SWALLOW_INPUT, null);
                Expired expired = new Expired(timeout);
                request.setAttribute(EXPIRED_ATTRIBUTE, expired);
                throw expired;
            }
            return body.doRead(handler);
        }

        @Override
        public int available() {
            return body.available();
        }
    }
}
