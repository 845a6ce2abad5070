package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.spark.ImageClassifier;
import dev.modelbuilder.spark.SparkTestSupport;
import org.apache.hadoop.conf.Configuration;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The per-JVM engine cache: one open per package and settings, shared by concurrent tasks, bounded when idle. */
class ExecutorEnginesTest {
    @TempDir
    Path dir;

    @Test
    void eightPartitionsOnLocal2OpenThePackageOnceInThisJvm() {
        SparkSession spark = SparkTestSupport.spark();
        Path zip = SparkTestSupport.uniquePackage(dir);
        Path images = SparkTestSupport.fixtureImages(dir);
        String sha = ModelPackages.check(zip.toString(), new Configuration(), null).ref().sha256();
        assertThat(ExecutorEngines.opens(sha)).isZero();

        List<String> paths = new ArrayList<>();
        for (Path f : ImageClassificationFixtures.imageFiles()) {
            paths.add(images.resolve(f.getFileName().toString()).toString());
        }
        // one image per partition, exactly
        JavaRDD<String> eight = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(paths, 8);
        Dataset<Row> files = spark.createDataset(eight.rdd(), Encoders.STRING()).toDF("path");
        assertThat(files.rdd().getNumPartitions()).isEqualTo(8);
        Dataset<Row> scored = new ImageClassifier().setModelPath(zip.toString()).setInputCol("path").transform(files)
                .withColumn("partition", functions.spark_partition_id());
        List<Row> rows = scored.select("partition", "label", "error").collectAsList();

        assertThat(rows).hasSize(8).allSatisfy(r -> assertThat(r.<String>getAs("error")).isNull());
        assertThat(rows.stream().map(r -> r.<Integer>getAs("partition")).distinct()).hasSize(8);
        assertThat(ExecutorEngines.opens(sha)).as("opens of the package in this JVM for 8 tasks, 2 at a time")
                .isEqualTo(1);
    }

    @Test
    void concurrentTasksShareOneEngineAndAFailedOpenIsTriedAgain() throws Exception {
        Path zip = SparkTestSupport.uniquePackage(dir);
        PackageRef ref = ModelPackages.check(zip.toString(), new Configuration(), null).ref();
        ExecutorEngines.Key key = new ExecutorEngines.Key(ref.sha256(), new EngineParameters(1, 8, -1));
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ExecutorEngines.Lease>> leases = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                leases.add(pool.submit(() -> {
                    start.await();
                    return ExecutorEngines.acquire(key, () -> {
                        loads.incrementAndGet();
                        return ModelPackages.open(ref, new Configuration(), key.settings());
                    });
                }));
            }
            start.countDown();
            List<PredictionEngine> engines = new ArrayList<>();
            for (Future<ExecutorEngines.Lease> f : leases) {
                ExecutorEngines.Lease lease = f.get(60, TimeUnit.SECONDS);
                engines.add(lease.engine());
                lease.close();
                lease.close(); // idempotent
            }
            assertThat(loads).hasValue(1);
            assertThat(engines).allSatisfy(e -> assertThat(e).isSameAs(engines.get(0)));
            assertThat(engines.get(0).isClosed()).as("kept open for the next task").isFalse();
            assertThat(ExecutorEngines.opens(ref.sha256())).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }

        ExecutorEngines.Key other = new ExecutorEngines.Key(ref.sha256(), new EngineParameters(1, 3, -1));
        assertThatThrownBy(() -> ExecutorEngines.acquire(other, () -> {
            throw new IllegalStateException("disk on fire");
        })).hasMessage("disk on fire");
        try (ExecutorEngines.Lease retry = ExecutorEngines.acquire(other,
                () -> ModelPackages.open(ref, new Configuration(), other.settings()))) {
            assertThat(retry.engine().batchSize()).isEqualTo(3);
        }
    }

    @Test
    void idleEnginesOverTheBoundAreClosedLeastRecentlyUsedFirstAndEnginesInUseNever() {
        Path zip = SparkTestSupport.uniquePackage(dir);
        PackageRef ref = ModelPackages.check(zip.toString(), new Configuration(), null).ref();
        // held through the whole test: must never be closed, however many others come and go
        ExecutorEngines.Key heldKey = new ExecutorEngines.Key(ref.sha256(), new EngineParameters(1, 100, -1));
        try (ExecutorEngines.Lease held = ExecutorEngines.acquire(heldKey,
                () -> ModelPackages.open(ref, new Configuration(), heldKey.settings()))) {
            List<PredictionEngine> idle = new ArrayList<>();
            for (int batch = 101; batch <= 101 + ExecutorEngines.MAX_ENGINES + 1; batch++) {
                ExecutorEngines.Key key = new ExecutorEngines.Key(ref.sha256(), new EngineParameters(1, batch, -1));
                try (ExecutorEngines.Lease lease = ExecutorEngines.acquire(key,
                        () -> ModelPackages.open(ref, new Configuration(), key.settings()))) {
                    idle.add(lease.engine());
                }
            }
            assertThat(ExecutorEngines.openEngines()).isLessThanOrEqualTo(ExecutorEngines.MAX_ENGINES);
            assertThat(idle.get(0).isClosed()).as("the least recently used idle engine").isTrue();
            assertThat(idle.get(idle.size() - 1).isClosed()).as("the most recently used").isFalse();
            assertThat(held.engine().isClosed()).as("an engine in use").isFalse();
        }
    }
}
