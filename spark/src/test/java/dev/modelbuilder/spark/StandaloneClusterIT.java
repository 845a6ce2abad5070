package dev.modelbuilder.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch job on a real standalone cluster: a master and two workers (one core and 512 MB each) as separate JVMs on
 * 127.0.0.1, started from the module's target/lib, and the job submitted through {@code SparkSubmit} as
 * {@code spark-submit} does. Local mode runs every task in one JVM; here tasks are serialized to executor JVMs, whose
 * class path comes from the workers' SPARK_HOME, and each executor must open the package once for all its tasks.
 * The cluster is stopped whatever happens. Needs the packaged module (a failsafe test).
 */
@Tag("packaged")
class StandaloneClusterIT {
    private static final Pattern OPENED = Pattern.compile("opened MLModel\\.zip (\\S+) \\(SHA-256 (\\w+)\\) in this "
            + "JVM in \\d+ ms: \\d+ labels, (\\d+) intra-op thread\\(s\\), batches of (\\d+)");

    @TempDir
    Path dir;

    @Test
    void theBatchJobOnTwoWorkersScoresAsTheInProcessEngineAndEachExecutorOpensThePackageOnce() throws Exception {
        Path zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        Path images = SparkTestSupport.fixtureImages(dir);
        Files.writeString(images.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);
        Map<String, Prediction> expected = SparkTestSupport.inProcess(zip, ImageClassificationFixtures.imageFiles());
        Path out = dir.resolve("out");

        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "512m")) {
            List<String> submit = new ArrayList<>();
            submit.add(Processes.java());
            submit.addAll(Processes.sparkJvmOptions());
            submit.addAll(List.of("-XX:TieredStopAtLevel=1", "-cp", Processes.moduleLib().resolve("*").toString(),
                    "org.apache.spark.deploy.SparkSubmit",
                    "--master", cluster.masterUrl(), "--deploy-mode", "client",
                    "--class", "dev.modelbuilder.spark.BatchScoring",
                    "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1",
                    "--conf", "spark.cores.max=2", "--conf", "spark.ui.enabled=false",
                    "--conf", "spark.executor.extraJavaOptions=-XX:TieredStopAtLevel=1",
                    // about one image per partition: several tasks per executor, so that reuse shows
                    "--conf", "spark.sql.files.maxPartitionBytes=262144", "--conf", "spark.sql.files.openCostInBytes=1",
                    Processes.moduleJar().toString(),
                    "--model", zip.toString(), "--input", images.toString(), "--output", out.toString(),
                    "--format", "json", "--batch-size", "4"));
            Processes.Result r = Processes.run(submit, cluster.env(), dir.resolve("submit"), Duration.ofMinutes(4));
            assertThat(r.exitCode()).as(r.all() + "\n" + cluster.logs()).isZero();
            assertThat(r.stdout()).contains("scored 9 file(s)").contains("8 predicted, 1 error(s)");

            Map<String, JsonNode> rows = JsonOutput.rows(out);
            assertThat(rows).hasSize(9);
            for (Map.Entry<String, Prediction> e : expected.entrySet()) {
                JsonOutput.assertSame(rows.get(e.getKey()), e.getValue(), e.getKey());
            }
            JsonOutput.assertError(rows.get("notes.txt"), "notes.txt");

            // two executor JVMs ran the scoring tasks, and each opened the package at most once for all of its tasks
            List<Path> executors = cluster.executorLogs();
            assertThat(executors).as(cluster.logs()).hasSize(2);
            int opens = 0;
            for (Path log : executors) {
                String text = Files.readString(log, StandardCharsets.UTF_8);
                Matcher m = OPENED.matcher(text);
                int here = 0;
                while (m.find()) {
                    here++;
                    assertThat(Path.of(URI.create(m.group(1)))).isEqualTo(zip);
                    // one inference thread per task (spark.task.cpus = 1), not one per core of the machine
                    assertThat(Integer.parseInt(m.group(3))).as("intra-op threads").isEqualTo(1);
                    assertThat(Integer.parseInt(m.group(4))).as("rows per inference").isEqualTo(4);
                }
                assertThat(here).as("package opens in " + log + ":\n" + text).isLessThanOrEqualTo(1);
                opens += here;
            }
            assertThat(opens).isBetween(1, 2);
            assertThat(JsonOutput.partFiles(out)).as("scoring tasks").isGreaterThan(opens);
        }
    }
}
