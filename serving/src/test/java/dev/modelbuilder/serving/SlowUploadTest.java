package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertAnswers;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Slow uploads ("slowloris"): a client that trickles its body one byte at a time, each byte well within the read
 * timeout, is cut off by the whole-body deadline ({@code modelbuilder.server.request-timeout}) with 408 problem
 * details and a closed connection, whether the body is raw or multipart, instead of holding a worker for as long as it
 * keeps trickling. The connection limit follows the worker count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlowUploadTest {
    /** Between two bytes: well within the read timeout, so only the deadline can end the upload. */
    private static final long TRICKLE_MILLIS = 300;
    /** How long the client waits for an answer before the test fails (the old server never answered). */
    private static final int ANSWER_WAIT_MILLIS = 30_000;

    private Path zip;
    private ConfigurableApplicationContext context;
    private URI base;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        context = ServingFixtures.startWeb(Map.of("modelbuilder.model", zip.toString(),
                "modelbuilder.server.read-timeout", "3s", "modelbuilder.server.request-timeout", "2s",
                "server.tomcat.threads.max", "50"));
        base = ServingFixtures.base(context);
        ServingFixtures.awaitReady(context);
    }

    @AfterAll
    void stop() {
        if (context != null) {
            context.close();
        }
    }

    @Test
    void aTrickledRawBodyIsCutOffAtTheDeadline() throws Exception {
        assertCutOff("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 100000\r\n\r\n",
                "\u0089PNG\r\n\u001a\n" + "x".repeat(1000));
    }

    @Test
    void aTrickledMultipartBodyIsCutOffAtTheDeadline() throws Exception {
        assertCutOff("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                + "Content-Length: 100000\r\n\r\n", "--b\r\nContent-Disposition: form-data; name=\"image\"; "
                + "filename=\"slow.png\"\r\nContent-Type: image/png\r\n\r\n\u0089PNG\r\n" + "x".repeat(1000));
    }

    @Test
    void theConnectionCapStaysAboveTheWorkers() {
        // connections still sending their headers hold no worker: a cap at the 50 workers would let 50 slow clients
        // shut everyone else out
        assertThat(context.getEnvironment().getProperty("server.tomcat.max-connections")).isEqualTo("1000");
    }

    @Test
    void aTimeoutThatIsNotAboveZeroStopsTheServerFromStartingAndNamesTheProperty() {
        for (String value : List.of("0s", "-5s", "2d")) {
            assertThatThrownBy(() -> ServingFixtures.startWeb(Map.of("modelbuilder.model", zip.toString(),
                    "modelbuilder.server.request-timeout", value)).close())
                    .as(value)
                    .satisfies(e -> assertThat(rootCause(e)).isInstanceOf(ValidationException.class)
                            .hasMessageContaining("modelbuilder.server.request-timeout")
                            .hasMessageContaining("above 0 and at most a day"));
        }
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Sends the headers at once and the body one byte at a time until the server answers. */
    private void assertCutOff(String headers, String body) throws Exception {
        AtomicBoolean answered = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        String answer;
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(ANSWER_WAIT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(headers.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            byte[] bytes = body.getBytes(StandardCharsets.ISO_8859_1);
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < bytes.length && !answered.get(); i++) {
                        out.write(bytes[i]);
                        out.flush();
                        sent.incrementAndGet();
                        Thread.sleep(TRICKLE_MILLIS);
                    }
                } catch (IOException e) {
                    // the server closed the connection: what the test expects
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "slow-client");
            trickle.setDaemon(true);
            trickle.start();
            try {
                answer = readUntilClosed(socket.getInputStream());
            } finally {
                answered.set(true);
                trickle.join(5_000);
            }
        }
        assertThat(sent.get()).as("the body was cut off before it was all sent").isLessThan(body.length());
        assertThat(answer).startsWith("HTTP/1.1 408").containsIgnoringCase("content-type: application/problem+json");
        JsonNode problem = ServingFixtures.assertProblemBody(ServingFixtures.body(answer), 408, "request_timeout");
        assertThat(problem.get("detail").asText()).contains("modelbuilder.server.request-timeout");

        Path image = image("coffee.png");
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image), "image/png")), 200),
                    engine.predict(image), "after a slow upload");
        }
    }

    /** @return everything the server sent until it closed the connection; fails when it never answers */
    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no answer and no close within " + ANSWER_WAIT_MILLIS + " ms while the body "
                    + "trickled; got: " + answer.toString(StandardCharsets.UTF_8), e);
        } catch (java.net.SocketException e) {
            // reset after the answer: what arrived is the answer
        }
        return answer.toString(StandardCharsets.UTF_8);
    }
}
