package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.codegen.testing.GeneratedBuild;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a timed test: prints requests per second and p50/p99 latency of 1,000 sequential and 1,000 concurrent
 * (8 clients) {@code POST /predict} on a generated, built and started Web API, next to the same number of predictions
 * through the SDK in-process. Run it with
 * {@code mvn -pl codegen -am test -Dtest=WebApiThroughputBenchmark -Dtest.excludedGroups= -Dtest.jvm.options=
 * -Dsurefire.failIfNoSpecifiedTests=false
 * -Dwebapi.benchmark.model=DIR -Dwebapi.benchmark.image=FILE} (default: the fixture model and rocket.jpg).
 */
@Tag("benchmark")
class WebApiThroughputBenchmark {
    private static final int REQUESTS = 1_000;
    private static final int CLIENTS = 8;
    private static final int WARMUP = 200;

    @TempDir
    Path tmp;

    @Test
    void servingOverHttpNextToTheSdkInProcess() throws Exception {
        String modelProperty = System.getProperty("webapi.benchmark.model", "");
        Path model = modelProperty.isBlank() ? ModelFixture.create(tmp.resolve("model")) : Path.of(modelProperty);
        String imageProperty = System.getProperty("webapi.benchmark.image", "");
        Path imageFile = imageProperty.isBlank() ? ModelFixture.image("rocket.jpg") : Path.of(imageProperty);
        byte[] image = Files.readAllBytes(imageFile);
        GeneratedProjects projects = ProjectGenerator.forModel(model).withName("Bench").withWebApi(true)
                .generate(tmp.resolve("Bench"));
        GeneratedBuild.buildOnline(projects.root(), tmp);
        Path jar = projects.webApiProject().orElseThrow().resolve("target/bench-webapi.jar");

        List<String> rows = new ArrayList<>();
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            run(() -> engine.predict(image), WARMUP, 1);
            rows.add(row("SDK in-process, sequential", measure(() -> engine.predict(image), REQUESTS, 1)));
            rows.add(row("SDK in-process, 8 threads", measure(() -> engine.predict(image), REQUESTS, CLIENTS)));
        }

        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = tmp.resolve("webapi.log");
        ProcessBuilder start = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        start.environment().put("PORT", String.valueOf(port));
        Process service = start.start();
        try {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI health = URI.create("http://127.0.0.1:" + port + "/health");
            awaitReady(http, health, service, log);
            HttpRequest predict = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/predict"))
                    .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
            Callable<Object> call = () -> {
                HttpResponse<String> r = http.send(predict, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new AssertionError(r.statusCode() + " " + r.body());
                }
                return r;
            };
            run(call, WARMUP, 1);
            rows.add(row("HTTP POST /predict, sequential", measure(call, REQUESTS, 1)));
            rows.add(row("HTTP POST /predict, 8 clients", measure(call, REQUESTS, CLIENTS)));
        } finally {
            service.destroy();
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
        System.out.printf(Locale.ROOT, "%nWeb API vs SDK, %d predictions each, model %s, image %s (%d bytes), %d CPUs%n"
                + "%-32s %10s %9s %9s%n%s%n", REQUESTS, model, imageFile.getFileName(), image.length,
                Runtime.getRuntime().availableProcessors(), "mode", "req/s", "p50 ms", "p99 ms",
                String.join("\n", rows));
        assertThat(rows).hasSize(4);
    }

    private record Figures(double perSecond, double p50Millis, double p99Millis) {
    }

    private static String row(String mode, Figures f) {
        return String.format(Locale.ROOT, "%-32s %10.1f %9.2f %9.2f", mode, f.perSecond(), f.p50Millis(),
                f.p99Millis());
    }

    private static Figures measure(Callable<Object> call, int count, int threads) throws Exception {
        long start = System.nanoTime();
        long[] latencies = run(call, count, threads);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Figures(count / seconds, percentile(latencies, 0.50), percentile(latencies, 0.99));
    }

    private static double percentile(long[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    /** Runs {@code count} calls on {@code threads} threads; returns each call's latency in nanoseconds. */
    private static long[] run(Callable<Object> call, int count, int threads) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Object>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        long s = System.nanoTime();
                        call.call();
                        latencies[i] = System.nanoTime() - s;
                    }
                    return null;
                }));
            }
            for (Future<Object> w : workers) {
                w.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return latencies;
    }

    private static void awaitReady(HttpClient http, URI health, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as(GeneratedBuild.tail(log)).isTrue();
            try {
                if (http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not ready within 120 s:\n" + GeneratedBuild.tail(log));
    }
}
