package dev.modelbuilder.serving.bench;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.serving.ModelServer;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests per second and p50/p99 latency of {@code modelbuilder serve}'s server ({@link ModelServer}, over loopback
 * HTTP with the raw-body {@code POST /predict}) against the in-process engine ({@code PredictionEngine.predict} on
 * the same encoded images), at 1 and 8 concurrent clients, alternating the two sides round by round so that load drift
 * hits both alike. Not part of {@code mvn verify} (tag {@code benchmark}); run with
 *
 * <pre>
 * mvn -o -pl serving -am test -Dtest=ServingBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dtest.excludedGroups= -Dtest.jvm.options= -Dbench.resnet50=/tmp/resnet50.onnx \
 *     -Dbench.quickstart=quickstart-output/MLModel.zip
 * </pre>
 *
 * and read the table it prints (docs/benchmarks.md has the figures). Without the properties only the tiny fixture
 * model runs; {@code bench.quickstart} is the package {@code modelbuilder quickstart} wrote, served as it is.
 */
@Tag("benchmark")
class ServingBenchmark {
    private static final List<String> IMAGES = List.of("rocket.jpg", "camera.png", "synth_gray_301x199.jpg",
            "astronaut.png");

    @TempDir
    Path tmp;

    @Test
    void servedVersusInProcess() throws Exception {
        List<byte[]> images = new ArrayList<>();
        for (String name : IMAGES) {
            images.add(Files.readAllBytes(ImageClassificationFixtures.image(name)));
        }
        int rounds = Integer.getInteger("bench.rounds", 3);
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n| model | clients | side | round | requests/s | p50 ms | p99 ms |%n|---|---|---|---|---|---|---|%n"));
        List<String> summary = new ArrayList<>();
        run("tiny", packaged("tiny", ImageClassificationFixtures.tinyModel()), images, new int[] {400, 800}, rounds,
                table, summary);
        String quickstart = System.getProperty("bench.quickstart");
        if (quickstart != null && !quickstart.isBlank()) {
            // the MLModel.zip that `modelbuilder quickstart` wrote, as it is: its own preprocessing and labels
            run("quickstart", Path.of(quickstart), images, new int[] {400, 800}, rounds, table, summary);
        }
        String resnet = System.getProperty("bench.resnet50");
        if (resnet != null && !resnet.isBlank()) {
            run("resnet50", packaged("resnet50", Path.of(resnet)), images, new int[] {40, 80}, rounds, table, summary);
        }
        System.out.println(table);
        summary.forEach(System.out::println);
    }

    private Path packaged(String name, Path onnx) {
        Path zip = tmp.resolve(name + ".zip");
        ModelPackage.write(zip, onnx, LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return zip;
    }

    private void run(String name, Path zip, List<byte[]> images, int[] requests, int rounds, StringBuilder table,
            List<String> summary) throws Exception {
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip);
                ModelServer server = ModelServer.builder().withModel(zip).withPort(0).build()) {
            URI predict = server.start().resolve("/predict");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            int[] clients = {1, 8};
            for (int c = 0; c < clients.length; c++) {
                int n = requests[c];
                Side inProcess = image -> engine.predict(image);
                Side served = image -> {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(predict)
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(r.statusCode() + " " + r.body());
                    }
                };
                // warm-up: the JIT, ONNX Runtime's arenas, Tomcat's threads and the client's connections
                measure(inProcess, images, clients[c], Math.max(16, n / 4));
                measure(served, images, clients[c], Math.max(16, n / 4));
                double[] rates = new double[2];
                for (int round = 1; round <= rounds; round++) {
                    Result a = measure(inProcess, images, clients[c], n);
                    Result b = measure(served, images, clients[c], n);
                    row(table, name, clients[c], "in-process", round, a);
                    row(table, name, clients[c], "serve", round, b);
                    rates[0] += a.rate();
                    rates[1] += b.rate();
                }
                summary.add(String.format(Locale.ROOT, "%s, %d clients: serve / in-process throughput = %.2f",
                        name, clients[c], rates[1] / rates[0]));
            }
        }
    }

    private static void row(StringBuilder table, String model, int clients, String side, int round, Result r) {
        table.append(String.format(Locale.ROOT, "| %s | %d | %s | %d | %.1f | %.1f | %.1f |%n", model, clients, side,
                round, r.rate(), r.p50(), r.p99()));
    }

    @FunctionalInterface
    private interface Side {
        void call(byte[] image) throws Exception;
    }

    private record Result(double rate, double p50, double p99) {
    }

    private static Result measure(Side side, List<byte[]> images, int clients, int requests) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < clients; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < requests; ) {
                        long s = System.nanoTime();
                        side.call(images.get(i % images.size()));
                        latencies[i] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<?> w : workers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(requests / seconds, latencies[(int) (requests * 0.50)] / 1e6,
                latencies[Math.min(requests - 1, (int) Math.ceil(requests * 0.99) - 1)] / 1e6);
    }

}
