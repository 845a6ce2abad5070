package dev.modelbuilder.spark;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.ModelVerifier;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The Spark scoring benchmark of docs/benchmarks.md ("Scoring on Spark"), not a test: the same images and model
 * through the in-process engine (2 threads), local[1], local[2] and a two-worker standalone cluster (one core each),
 * side by side in one run. Spark start-up and the first job (which includes each JVM's package load) are reported
 * apart from the steady-state throughput. Run it as docs/benchmarks.md says.
 */
public final class SparkScoringBenchmark {
    private static final int WARM_UP_IMAGES = 16;

    private SparkScoringBenchmark() {
    }

    /** One model under test. */
    private record Model(String name, Path onnx, LabelMap labels, PreprocessingSpec spec) {
    }

    /**
     * One mode's figures in one round.
     *
     * @param mode the mode
     * @param startUpSeconds Spark's start-up (0 for the engine)
     * @param firstJobSeconds the first job of 16 images, with the package load
     * @param imagesPerSecond the steady-state throughput
     * @param cpuMillisPerImage CPU time per image of every JVM involved (driver and executors)
     */
    private record Figures(String mode, double startUpSeconds, double firstJobSeconds, double imagesPerSecond,
                           double cpuMillisPerImage) {
    }

    /**
     * @param args the benchmark folder (images/, quickstart.onnx, quickstart-labels.json, resnet50.onnx), how many
     *     chunks the in-process engine and local[2] take turns on, then optionally the models to run (quickstart,
     *     resnet50; default both)
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        Path bench = Path.of(args[0]).toAbsolutePath();
        int chunks = Integer.parseInt(args[1]);
        List<String> only = List.of(args).subList(2, args.length);
        Path images = bench.resolve("images");
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(p -> p.toString().endsWith(".jpg")).sorted().toList();
        }
        Path warmUp = Files.createDirectories(bench.resolve("warm-up"));
        for (Path f : files.subList(0, WARM_UP_IMAGES)) {
            Path link = warmUp.resolve(f.getFileName());
            if (!Files.exists(link)) {
                Files.copy(f, link);
            }
        }
        List<Model> models = new ArrayList<>();
        models.add(new Model("quickstart", bench.resolve("quickstart.onnx"),
                LabelMap.read(bench.resolve("quickstart-labels.json")), PreprocessingSpec.squash(64)));
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            classes.add("class_" + i);
        }
        models.add(new Model("resnet50", bench.resolve("resnet50.onnx"), LabelMap.of(classes),
                PreprocessingSpec.resizeCrop(256, 224)));
        System.out.printf(Locale.ROOT, "%d images in %s, in-process and local[2] in %d alternating chunks; load "
                + "average %s%n", files.size(), images, chunks, loadAverage());

        Map<String, List<Figures>> all = new LinkedHashMap<>();
        for (Model m : models) {
            if (!only.isEmpty() && !only.contains(m.name())) {
                continue;
            }
            Path zip = bench.resolve(m.name() + "-MLModel.zip");
            if (!Files.exists(zip)) {
                ModelVerifier.writeVerifiedPackage(zip, m.onnx(), m.labels(), PipelineSpec.of(m.spec()));
            }
            List<Figures> figures = new ArrayList<>();
            figures.addAll(inProcessAgainstLocal2(zip, bench, files, warmUp, chunks));
            figures.add(spark("local[1]", null, fresh(zip, bench), images, warmUp, files.size()));
            try (StandaloneCluster cluster = StandaloneCluster.start(bench.resolve("cluster-" + UUID.randomUUID()), 2,
                    1, "512m")) {
                figures.add(spark("standalone, 2 workers x 1 core", cluster, fresh(zip, bench), images, warmUp,
                        files.size()));
            }
            all.put(m.name(), figures);
            print(m.name(), figures);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "load average at the end %s%n", loadAverage());
        all.forEach(SparkScoringBenchmark::print);
    }

    /**
     * The comparison the goal is about, made fair on a shared machine: the engine and local[2] take turns,
     * chunk after chunk of the same images, in one JVM, so that a busy spell of the machine hits both alike, after
     * one unmeasured chunk each (JIT warm-up). Each side's throughput is all its images over the sum of its chunks'
     * times.
     */
    private static List<Figures> inProcessAgainstLocal2(Path zip, Path bench, List<Path> files, Path warmUp,
                                                        int chunks) throws IOException {
        Path dir = Files.createDirectories(bench.resolve("chunks"));
        List<List<Path>> parts = new ArrayList<>();
        List<Path> partDirs = new ArrayList<>();
        int size = (files.size() + chunks - 1) / chunks;
        for (int c = 0; c < chunks; c++) {
            List<Path> part = files.subList(c * size, Math.min(files.size(), (c + 1) * size));
            Path partDir = Files.createDirectories(dir.resolve("chunk-" + c));
            for (Path f : part) {
                Path link = partDir.resolve(f.getFileName());
                if (!Files.exists(link)) {
                    Files.createSymbolicLink(link, f);
                }
            }
            parts.add(part);
            partDirs.add(partDir);
        }
        long t0 = System.nanoTime();
        SparkSession spark = SparkSession.builder().appName("spark-scoring-benchmark").master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                .getOrCreate();
        try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(zip).withIntraOpThreads(2)
                .withPreprocessingThreads(2).build()) {
            double startUp = seconds(t0);
            ImageClassifier classifier = new ImageClassifier().setModelPath(fresh(zip, bench).toString());
            long t1 = System.nanoTime();
            long errors = classifier.transform(spark.read().format("binaryFile").load(warmUp.toString()))
                    .filter(functions.col("error").isNotNull()).count();
            double sparkFirst = seconds(t1);
            long t2 = System.nanoTime();
            engine.predictBatch(ImageSource.ofFiles(files.subList(0, WARM_UP_IMAGES)));
            double engineFirst = seconds(t2);
            if (errors > 0) {
                throw new IllegalStateException("local[2]: the warm-up run has errors");
            }
            // one chunk each before measuring: Spark's code paths need the JIT's attention as much as the engine's
            engine.predictBatch(ImageSource.ofFiles(parts.get(0)));
            classifier.transform(spark.read().format("binaryFile").load(partDirs.get(0).toString()))
                    .write().format("noop").mode("overwrite").save();
            System.out.printf(Locale.ROOT, "  warmed up on %d images each; load average %s%n", parts.get(0).size(),
                    loadAverage());
            double engineTime = 0;
            double sparkTime = 0;
            long engineCpu = 0;
            long sparkCpu = 0;
            for (int c = 0; c < chunks; c++) {
                long cpu = processCpuNanos();
                long t = System.nanoTime();
                List<Prediction> p = engine.predictBatch(ImageSource.ofFiles(parts.get(c)));
                engineTime += seconds(t);
                engineCpu += processCpuNanos() - cpu;
                if (p.size() != parts.get(c).size()) {
                    throw new IllegalStateException("the engine scored " + p.size() + " of " + parts.get(c).size());
                }
                cpu = processCpuNanos();
                t = System.nanoTime();
                classifier.transform(spark.read().format("binaryFile").load(partDirs.get(c).toString()))
                        .write().format("noop").mode("overwrite").save();
                sparkTime += seconds(t);
                sparkCpu += processCpuNanos() - cpu;
                System.out.printf(Locale.ROOT, "  chunk %d (%d images): in-process %.1f s, local[2] %.1f s; load "
                        + "average %s%n", c, parts.get(c).size(), engineTime, sparkTime, loadAverage());
            }
            return List.of(
                    new Figures("in-process engine, 2 threads", 0, engineFirst, files.size() / engineTime,
                            engineCpu / 1e6 / files.size()),
                    new Figures("local[2]", startUp, sparkFirst, files.size() / sparkTime,
                            sparkCpu / 1e6 / files.size()));
        } finally {
            spark.stop();
        }
    }

    private static Figures spark(String mode, StandaloneCluster cluster, Path zip, Path images, Path warmUp,
                                 int count) {
        long t0 = System.nanoTime();
        SparkSession.Builder b = SparkSession.builder().appName("spark-scoring-benchmark")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        if (cluster == null) {
            b = b.master(mode);
        } else {
            b = b.master(cluster.masterUrl())
                    .config("spark.jars", Processes.moduleJar().toString())
                    .config("spark.executor.memory", "512m").config("spark.executor.cores", "1")
                    .config("spark.cores.max", "2");
        }
        SparkSession spark = b.getOrCreate();
        try {
            double startUp = seconds(t0);
            ImageClassifier classifier = new ImageClassifier().setModelPath(zip.toString());
            long t1 = System.nanoTime();
            Dataset<Row> first = classifier.transform(spark.read().format("binaryFile").load(warmUp.toString()))
                    .cache();
            long errors = first.filter(functions.col("error").isNotNull()).count();
            if (errors > 0 || first.count() != WARM_UP_IMAGES) {
                throw new IllegalStateException(mode + ": the warm-up run has errors");
            }
            first.unpersist();
            double firstJob = seconds(t1);
            Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
            int partitions = files.rdd().getNumPartitions();
            long cpu0 = processCpuNanos() + (cluster == null ? 0 : cluster.cpuNanos());
            long t2 = System.nanoTime();
            classifier.transform(files).write().format("noop").mode("overwrite").save();
            double run = seconds(t2);
            double cpu = (processCpuNanos() + (cluster == null ? 0 : cluster.cpuNanos()) - cpu0) / 1e6 / count;
            System.out.printf(Locale.ROOT, "  %s: %d partitions, %.1f s, %.1f CPU ms per image%n", mode, partitions,
                    run, cpu);
            return new Figures(mode, startUp, firstJob, count / run, cpu);
        } finally {
            spark.stop();
        }
    }

    /** A copy of the package with a SHA-256 of its own, so that each mode's JVMs open it afresh. */
    private static Path fresh(Path zip, Path dir) throws IOException {
        Path copy = dir.resolve("fresh-" + UUID.randomUUID() + ".zip");
        try (ZipFile in = new ZipFile(zip.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                ZipEntry c = new ZipEntry(e);
                c.setCompressedSize(-1);
                out.putNextEntry(c);
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("nonce.txt"));
            out.write(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        copy.toFile().deleteOnExit();
        return copy;
    }

    private static void print(String model, List<Figures> figures) {
        Map<String, List<Figures>> byMode = new LinkedHashMap<>();
        for (Figures f : figures) {
            byMode.computeIfAbsent(f.mode(), k -> new ArrayList<>()).add(f);
        }
        double base = median(byMode.values().iterator().next(), Figures::imagesPerSecond);
        System.out.println();
        System.out.println("model " + model);
        System.out.println("| mode | images/s | ratio to in-process | CPU ms per image | Spark start-up (s) | first job, "
                + WARM_UP_IMAGES + " images, with the package load (s) |");
        System.out.println("|---|---|---|---|---|---|");
        for (Map.Entry<String, List<Figures>> e : byMode.entrySet()) {
            List<Figures> fs = e.getValue();
            double ips = median(fs, Figures::imagesPerSecond);
            double startUp = median(fs, Figures::startUpSeconds);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.2fx | %.1f | %s | %.1f |%n", e.getKey(), ips,
                    ips / base, median(fs, Figures::cpuMillisPerImage),
                    startUp == 0 ? "-" : String.format(Locale.ROOT, "%.1f", startUp),
                    median(fs, Figures::firstJobSeconds));
        }
    }

    private static double median(List<Figures> fs, java.util.function.ToDoubleFunction<Figures> value) {
        double[] v = fs.stream().mapToDouble(value).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
