package dev.modelbuilder.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.serving.testing.TestImages;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import dev.modelbuilder.testdata.ImageUploads;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter's tests' model, images, HTTP calls and checks. */
final class ServingFixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private ServingFixtures() {
    }

    /** @return an MLModel.zip of the fixture model (5 labels, resize-crop 256 → 224) written into the folder */
    static Path modelPackage(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(),
                LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return zip;
    }

    static Path image(String name) {
        return ImageClassificationFixtures.image(name);
    }

    /** Starts a web application on a free port with the starter and these properties. */
    static ConfigurableApplicationContext startWeb(Map<String, Object> properties) {
        return start(WebApplicationType.SERVLET, properties);
    }

    static ConfigurableApplicationContext start(WebApplicationType type, Map<String, Object> properties) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(TestApplication.class).web(type)
                .bannerMode(org.springframework.boot.Banner.Mode.OFF)
                .properties("server.port=0", "spring.main.register-shutdown-hook=false")
                .properties(properties);
        return builder.run();
    }

    static URI base(ConfigurableApplicationContext context) {
        return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    static void awaitReady(ConfigurableApplicationContext context) {
        context.getBean(ServedModel.class).awaitEngine(Duration.ofMinutes(2));
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest raw(URI uri, byte[] body, String contentType) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    static HttpRequest multipart(URI uri, List<Map.Entry<String, byte[]>> files) {
        return ImageUploads.multipart(uri, files);
    }

    static HttpRequest multipart(URI uri, Path... files) {
        return ImageUploads.multipart(uri, files);
    }

    static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    /** The answer is RFC 9457 problem details with the error code as an extension member, and no internals. */
    static JsonNode assertProblem(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(response.headers().map() + " " + response.body())
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        return assertProblemBody(response.body(), status, error);
    }

    static JsonNode assertProblemBody(String body, int status, String error) throws IOException {
        JsonNode problem = JSON.readTree(body);
        assertThat(problem.get("status").asInt()).as(body).isEqualTo(status);
        assertThat(problem.get("error").asText()).as(body).isEqualTo(error);
        assertThat(problem.get("title").asText()).as(body).isNotBlank();
        assertThat(problem.get("detail").asText()).as(body).isNotBlank();
        // RFC 9457: an absent type means about:blank
        assertThat(problem.path("type").asText("about:blank")).as(body).isEqualTo("about:blank");
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("trace");
        return problem;
    }

    static void assertAnswers(JsonNode answer, Prediction want, String what) {
        assertThat(answer.get("label").asText()).as(what).isEqualTo(want.label());
        assertThat(answer.get("score").asDouble()).as(what).isCloseTo(want.score(), within(1e-6));
        assertThat(fieldNames(answer.get("scores"))).as(what).containsExactlyElementsOf(want.scores().keySet());
        want.scores().forEach((label, p) -> assertThat(answer.get("scores").get(label).asDouble())
                .as(what + " " + label).isCloseTo(p, within(1e-6)));
        assertThat(fieldNames(answer)).containsExactly("label", "score", "scores");
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    static byte[] pngBomb(int width, int height) throws IOException {
        return dev.modelbuilder.testdata.Bombs.png(width, height);
    }

    static byte[] colourPng(int rgb) throws IOException {
        return TestImages.colourPng(rgb);
    }

    /**
     * Sends raw bytes on a socket and reads what comes back until the server closes or the timeout passes.
     *
     * @return the response, headers and body
     */
    static String rawExchange(URI base, byte[] request, Duration timeout) throws IOException {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    if (complete(answer.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
                // what arrived is the answer
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static boolean complete(String response) {
        int end = response.indexOf("\r\n\r\n");
        if (end < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)")
                .matcher(response.substring(0, end));
        return length.find() && response.length() - end - 4 >= Integer.parseInt(length.group(1))
                || response.endsWith("0\r\n\r\n");
    }

    /** @return the body of a raw HTTP response */
    static String body(String response) {
        int end = response.indexOf("\r\n\r\n");
        String body = end < 0 ? "" : response.substring(end + 4);
        if (response.substring(0, Math.max(end, 0)).toLowerCase(java.util.Locale.ROOT)
                .contains("transfer-encoding: chunked")) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            while (i < body.length()) {
                int lineEnd = body.indexOf("\r\n", i);
                int size = Integer.parseInt(body.substring(i, lineEnd).trim(), 16);
                if (size == 0) {
                    break;
                }
                out.append(body, lineEnd + 2, lineEnd + 2 + size);
                i = lineEnd + 2 + size + 2;
            }
            return out.toString();
        }
        return body;
    }

    /** The test application: nothing but auto-configuration (the starter's among it), no component scan. */
    @org.springframework.boot.SpringBootConfiguration(proxyBeanMethods = false)
    @org.springframework.boot.autoconfigure.EnableAutoConfiguration
    static class TestApplication {
    }
}
