package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertAnswers;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.multipart;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server of {@code modelbuilder serve}, started from a folder on a free loopback port. */
class ModelServerTest {
    @TempDir
    Path tmp;

    @Test
    @SuppressWarnings("try") // closed inside the block on purpose: the test watches the server stop
    void servesAModelFoundInAFolderOnLoopbackAndStopsOnClose() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("outputs/model"));
        CompletableFuture<Void> stopped;
        try (ModelServer server = ModelServer.builder().withModel(tmp).withPort(0).build();
                PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            URI url = server.start();
            assertThat(url.getHost()).isEqualTo("127.0.0.1");
            assertThat(server.url()).isEqualTo(url);
            Path image = image("rocket.jpg");
            assertAnswers(json(send(raw(url.resolve("/predict"), Files.readAllBytes(image), "image/jpeg")), 200),
                    engine.predict(image), "raw");
            assertAnswers(json(send(multipart(url.resolve("/predict"), image)), 200), engine.predict(image),
                    "multipart");
            stopped = CompletableFuture.runAsync(server::awaitShutdown);
            assertThat(stopped).isNotDone();
            server.close();
            stopped.get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> ServingFixtures.get(url.resolve("/health"))).isInstanceOf(IOException.class);
        }
    }

    @Test
    @SuppressWarnings("try") // closed inside the block on purpose: the test watches the request in flight finish
    void aRequestInFlightFinishesBeforeTheServerStops() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        byte[] image = Files.readAllBytes(image("rocket.jpg"));
        try (ModelServer server = ModelServer.builder().withModel(zip).withPort(0).build();
                PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            URI url = server.start();
            try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
                socket.setSoTimeout(30_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: "
                        + image.length + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.write(image, 0, image.length / 2);
                out.flush();
                Thread.sleep(300); // the request is in the controller, reading its body
                CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
                Thread.sleep(500);
                assertThat(closing).as("the shutdown waits for the request in flight").isNotDone();
                out.write(image, image.length / 2, image.length - image.length / 2);
                out.flush();
                String answer = new String(socket.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 200").contains("\"label\":\"" + engine.predict(image).label());
                closing.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aPortInUseOrSeveralPackagesAreBadInput() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("a"));
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                ModelServer server = ModelServer.builder().withModel(zip).withPort(taken.getLocalPort()).build()) {
            assertThatThrownBy(server::start).isInstanceOf(ValidationException.class)
                    .hasMessageContaining(String.valueOf(taken.getLocalPort())).hasMessageContaining("choose another");
        }
        ServingFixtures.modelPackage(tmp.resolve("b"));
        try (ModelServer server = ModelServer.builder().withModel(tmp).withPort(0).build()) {
            assertThatThrownBy(server::start).isInstanceOf(ValidationException.class).hasMessageContaining("2 packages");
        }
    }
}
