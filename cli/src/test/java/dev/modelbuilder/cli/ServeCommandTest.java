package dev.modelbuilder.cli;

import static dev.modelbuilder.testdata.ImageUploads.multipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.serving.testing.TestImages;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import picocli.CommandLine;

/**
 * {@code modelbuilder serve} in its own JVM, as a container starts it: no arguments, the model's folder from
 * {@code MODELBUILDER_MODEL} and a free port from {@code PORT}. It answers like {@code predict --json} for raw and
 * multipart uploads, serves a batch of 64 images, refuses hostile uploads with 4xx problem details while staying up,
 * and stops on SIGTERM. Bad input is exit code 2. Where the lookup of the model, the port and the host is the point,
 * {@code serve} runs in this JVM with an environment of the test's own; those tests put back what the command sets
 * for the whole JVM (Spring Boot's logging system, the level of Tomcat's logger).
 */
// runs beside the other test classes: it mostly waits on the server's JVM
@Execution(ExecutionMode.CONCURRENT)
class ServeCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    Path tmp;

    private Path packageTiny(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path zip = dir.resolve("MLModel.zip");
        CliHarness.Result r = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(),
                "--labels", ImageClassificationFixtures.labelMap().toString(), "--preprocess", "resize-crop",
                "--output", zip.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        return zip;
    }

    @Test
    void servesFromTheEnvironmentLikePredictJsonAndStopsOnSigterm() throws Exception {
        Path zip = packageTiny(tmp.resolve("azureml/model/1"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), ModelBuilderCli.class.getName(), "serve"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove(ServeCommand.AZUREML_VARIABLE);
        builder.environment().put(ServeCommand.MODEL_VARIABLE, tmp.resolve("azureml").toString());
        builder.environment().put(ServeCommand.PORT_VARIABLE, String.valueOf(port));
        Process server = builder.start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(server, output));
        try {
            URI base = awaitUrl(server, output);
            assertThat(base).isEqualTo(URI.create("http://127.0.0.1:" + port));
            assertThat(output).contains("curl -F image=@IMAGE.jpg " + base + "/predict");

            List<Path> images = List.of(ImageClassificationFixtures.image("rocket.jpg"),
                    ImageClassificationFixtures.image("coffee.png"), ImageClassificationFixtures.image("camera.png"));
            List<String> args = new ArrayList<>(List.of("predict", "--model", zip.toString(), "--json"));
            images.forEach(i -> args.add(i.toString()));
            CliHarness.Result predicted = CliHarness.run(args.toArray(String[]::new));
            assertThat(predicted.exitCode()).as(predicted.err()).isZero();
            List<String> lines = predicted.out().lines().toList();
            for (int i = 0; i < images.size(); i++) {
                JsonNode want = JSON.readTree(lines.get(i));
                byte[] bytes = Files.readAllBytes(images.get(i));
                assertLike(json(send(raw(base.resolve("/predict"), bytes)), 200), want);
                assertLike(json(send(multipart(base.resolve("/predict"),
                        List.of(Map.entry(images.get(i).getFileName().toString(), bytes)))), 200), want);
            }

            List<Map.Entry<String, byte[]>> parts = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                parts.add(Map.entry("c" + i + ".png", TestImages.colourPng(0x0a0b0c * (i + 3))));
            }
            JsonNode batch = json(send(multipart(base.resolve("/predict/batch"), parts)), 200);
            assertThat(batch.size()).isEqualTo(64);
            Path first = Files.write(tmp.resolve("c0.png"), parts.get(0).getValue());
            JsonNode firstAlone = JSON.readTree(CliHarness.run("predict", "--model", zip.toString(), "--json",
                    first.toString()).out().lines().findFirst().orElseThrow());
            assertLike(batch.get(0), firstAlone);

            byte[] jpeg = Files.readAllBytes(images.get(0));
            assertProblem(send(raw(base.resolve("/predict"), Arrays.copyOf(jpeg, jpeg.length / 3))), 400,
                    "corrupt_image");
            assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("notes.txt",
                    "just text\n".getBytes(StandardCharsets.UTF_8))))), 400, "not_an_image");
            assertProblem(send(raw(base.resolve("/predict"), Arrays.copyOf(jpeg, 10 * 1024 * 1024 + 1))), 413,
                    "image_too_large");
            assertProblem(send(raw(base.resolve("/predict"), dev.modelbuilder.testdata.Bombs.png(13_000, 13_000))), 422,
                    "too_many_pixels");
            assertLike(json(send(raw(base.resolve("/predict"), jpeg)), 200), JSON.readTree(lines.get(0)));
            assertThat(server.isAlive()).isTrue();
        } finally {
            server.destroy(); // SIGTERM, as Ctrl-C or a container's stop
            boolean stopped = server.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                server.destroyForcibly();
            }
            reader.get(10, TimeUnit.SECONDS);
            assertThat(stopped).as("stops on SIGTERM:\n%s", output).isTrue();
        }
        assertThat(output.toString()).doesNotContain("Exception").doesNotContain("ERROR");
    }

    @Test
    void badInputIsExitCodeTwo() throws Exception {
        packageTiny(tmp.resolve("a"));
        packageTiny(tmp.resolve("b"));
        CliHarness.Result several = CliHarness.run("serve", "--model", tmp.toString(), "--port", "0");
        assertThat(several.exitCode()).isEqualTo(2);
        assertThat(several.err()).contains("2 packages").contains(tmp.resolve("a/MLModel.zip").toString())
                .contains(tmp.resolve("b/MLModel.zip").toString());
        CliHarness.Result port = CliHarness.run("serve", "--model", tmp.resolve("a").toString(), "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--port").contains("70000");
        CliHarness.Result missing = CliHarness.run("serve", "--model", tmp.resolve("none.zip").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("none.zip");
    }

    @Test
    void theModelComesFromModelbuilderModelThenAzuremlModelDirAndABadPortIsExitTwo() throws Exception {
        Path mount = Files.createDirectories(tmp.resolve("azureml-models/empty/1"));
        CliHarness.Result fromAzure = serve(Map.of(ServeCommand.AZUREML_VARIABLE, mount.toString(), "PORT", "0"));
        assertThat(fromAzure.exitCode()).as(fromAzure.err()).isEqualTo(2);
        assertThat(fromAzure.err()).as("the mount is where it looked").contains(mount.toString());

        Path named = tmp.resolve("named/MLModel.zip");
        CliHarness.Result both = serve(Map.of(ServeCommand.AZUREML_VARIABLE, mount.toString(),
                ServeCommand.MODEL_VARIABLE, named.toString(), "PORT", "0"));
        assertThat(both.exitCode()).as(both.err()).isEqualTo(2);
        assertThat(both.err()).as("MODELBUILDER_MODEL wins").contains(named.toString())
                .doesNotContain(mount.toString());

        Path zip = packageTiny(tmp.resolve("model"));
        CliHarness.Result port = serve(Map.of(ServeCommand.MODEL_VARIABLE, zip.toString(), "PORT", "http"));
        assertThat(port.exitCode()).as(port.err()).isEqualTo(2);
        assertThat(port.err()).startsWith("error: ").contains("PORT").contains("http").contains("port number");

        CliHarness.Result none = serve(Map.of());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("--model").contains("MODELBUILDER_MODEL").contains("AZUREML_MODEL_DIR");
    }

    @Test
    void listensOnTheHostGiven() throws Exception {
        Path zip = packageTiny(tmp.resolve("model"));
        String loggingSystem = System.getProperty(ServeCommand.LOGGING_SYSTEM);
        java.util.logging.Level tomcatLevel = java.util.logging.Logger.getLogger("org.apache").getLevel();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = commandLine(Map.of(), out, err);
        Thread serving = new Thread(() -> cli.execute("serve", "--model", zip.toString(), "--host", "localhost",
                "--port", "0"), "serve-in-process");
        serving.setDaemon(true);
        serving.start();
        try {
            URI base = null;
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120); base == null; Thread.sleep(100)) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Serving .* at (http://\\S+) ")
                        .matcher(out.toString());
                if (m.find()) {
                    base = URI.create(m.group(1));
                }
                assertThat(serving.isAlive() || base != null).as("serve is running: %s", err).isTrue();
                assertThat(System.nanoTime()).as("serve did not start: %s", err).isLessThan(end);
            }
            assertThat(base.getHost()).isEqualTo("localhost");
            HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(base.resolve("/health/live")).GET()
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(live.statusCode()).as(live.body()).isEqualTo(200);
        } finally {
            serving.interrupt(); // stops waiting for Ctrl-C: the server is closed
            serving.join(TimeUnit.SECONDS.toMillis(60));
            if (loggingSystem == null) {
                System.clearProperty(ServeCommand.LOGGING_SYSTEM);
            } else {
                System.setProperty(ServeCommand.LOGGING_SYSTEM, loggingSystem);
            }
            java.util.logging.Logger.getLogger("org.apache").setLevel(tomcatLevel);
        }
        assertThat(serving.isAlive()).isFalse();
    }

    /** Runs {@code serve} in this JVM with the given environment instead of the process's. */
    private static CliHarness.Result serve(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> line = new ArrayList<>(List.of("serve"));
        line.addAll(List.of(args));
        int code = commandLine(environment, out, err).execute(line.toArray(String[]::new));
        return new CliHarness.Result(code, out.toString(), err.toString());
    }

    private static CommandLine commandLine(Map<String, String> environment, StringWriter out, StringWriter err) {
        CommandLine cli = ModelBuilderCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true),
                List.of(ServeCommand.class));
        ((ServeCommand) cli.getSubcommands().get("serve").getCommand()).environment = environment;
        return cli;
    }

    private static void read(Process server, StringBuilder output) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static URI awaitUrl(Process server, StringBuilder output) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            synchronized (output) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("Serving .* at (http://\\S+) ")
                        .matcher(output);
                if (m.find()) {
                    return URI.create(m.group(1));
                }
            }
            assertThat(server.isAlive()).as("serve is running:\n%s", output).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("serve did not start within 120 s:\n" + output);
    }

    /** The HTTP answer is predict --json's object without the file name, scores within 1e-6. */
    private static void assertLike(JsonNode answer, JsonNode predicted) {
        assertThat(answer.get("label").asText()).isEqualTo(predicted.get("label").asText());
        assertThat(answer.get("score").asDouble()).isCloseTo(predicted.get("score").asDouble(), within(1e-6));
        List<String> labels = new ArrayList<>();
        for (Iterator<String> it = predicted.get("scores").fieldNames(); it.hasNext(); ) {
            labels.add(it.next());
        }
        List<String> answered = new ArrayList<>();
        answer.get("scores").fieldNames().forEachRemaining(answered::add);
        assertThat(answered).containsExactlyElementsOf(labels);
        for (String label : labels) {
            assertThat(answer.get("scores").get(label).asDouble()).as(label)
                    .isCloseTo(predicted.get("scores").get(label).asDouble(), within(1e-6));
        }
    }

    private static void assertProblem(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).as(response.body()).isEqualTo(error);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("detail").asText()).isNotBlank();
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest raw(URI uri, byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }
}
