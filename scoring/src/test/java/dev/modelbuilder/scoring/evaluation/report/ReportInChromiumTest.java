package dev.modelbuilder.scoring.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.MultiLabelEvaluationAccumulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders the single- and multi-label reports in real headless Chromium (Debian package {@code chromium}) and checks
 * that a screenshot comes out and the page logs nothing to the console. Skipped where {@code /usr/bin/chromium} is not installed (failed
 * instead when the environment variable {@code MODELBUILDER_REQUIRE_CHROMIUM} is {@code true}, as in CI). The
 * screenshots are kept in {@code target/report-preview/} to look at.
 */
// runs beside the other test classes, and its renders beside each other: each waits on a Chromium process
@Execution(ExecutionMode.CONCURRENT)
class ReportInChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @BeforeAll
    static void needsChromium() {
        String missing = "headless Chromium is not installed at " + CHROMIUM
                + " (Debian package 'chromium'), so the report is not rendered in a browser here";
        if (Boolean.parseBoolean(System.getenv("MODELBUILDER_REQUIRE_CHROMIUM"))) {
            assertThat(CHROMIUM).as(missing + ", but MODELBUILDER_REQUIRE_CHROMIUM is set").isExecutable();
        }
        assumeTrue(Files.isExecutable(CHROMIUM), missing);
    }

    @ParameterizedTest(name = "{0} labels")
    @ValueSource(ints = {2, 3, 50})
    void theReportRendersWithoutConsoleErrors(int labels, @TempDir Path dir) throws Exception {
        EvaluationResult r = ReportFixtures.manyLabels(dir.resolve("data"), labels, labels == 50 ? 12 : 20);
        Path html = dir.resolve("report.html");
        EvaluationReport.of(r).withTitle("Evaluation, " + labels + " labels")
                .withTrainingCurves(ReportFixtures.curves()).write(html);
        assertRendersWithoutConsoleErrors(html, "report-" + labels + "-labels.png", labels == 50 ? 4200 : 2400, dir);
    }

    @Test
    void theMultiLabelReportRendersWithoutConsoleErrors(@TempDir Path dir) throws Exception {
        List<String> labels = List.of("outdoor", "snow", "people", "dog", "car", "night");
        MultiLabelEvaluationAccumulator acc = new MultiLabelEvaluationAccumulator(labels, new double[] {
            0.5, 0.5, 0.5, 0.5, 0.5, 0.4});
        java.util.Random random = new java.util.Random(29);
        for (int i = 0; i < 60; i++) {
            List<Integer> truth = new ArrayList<>();
            double[] p = new double[labels.size()];
            for (int l = 0; l < labels.size(); l++) {
                boolean has = random.nextDouble() < 0.35;
                if (has) {
                    truth.add(l);
                }
                // mostly right, sometimes confidently wrong: every cell of the 2x2 tables gets images
                boolean right = random.nextDouble() < 0.8;
                p[l] = right == has ? 0.55 + 0.45 * random.nextDouble() : 0.45 * random.nextDouble();
            }
            acc.add("images/" + i + ".png", truth.stream().mapToInt(Integer::intValue).toArray(), p);
        }
        Path html = dir.resolve("multi-label.html");
        MultiLabelEvaluationReport.of(acc.result("data", "MLModel.zip")).withTrainingCurves(ReportFixtures.curves())
                .write(html);
        assertRendersWithoutConsoleErrors(html, "report-multi-label.png", 3000, dir);
    }

    private static void assertRendersWithoutConsoleErrors(Path html, String screenshot, int height, Path dir)
            throws Exception {
        Path preview = Files.createDirectories(Path.of("target", "report-preview")).toAbsolutePath();
        Path png = preview.resolve(screenshot);
        Files.deleteIfExists(png);

        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--user-data-dir=" + Files.createDirectories(dir.resolve("profile-" + screenshot)),
                "--hide-scrollbars", "--window-size=1280," + height,
                "--screenshot=" + png, "--enable-logging=stderr", "--v=0", html.toUri().toString()));
        Path log = dir.resolve(screenshot + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("chromium ended within 120 s; its output:%n%s", output).isTrue();
        assertThat(p.exitValue()).as("chromium's exit code; its output:%n%s", output).isZero();
        assertThat(png).as("the screenshot; chromium's output:%n%s", output).isRegularFile();
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(1280);
        assertThat(distinctColours(shot)).as("the screenshot is not blank").isGreaterThan(50);
        assertThat(output.lines().filter(l -> l.contains("CONSOLE")).toList()).as("console messages").isEmpty();
    }

    private static int distinctColours(BufferedImage img) throws IOException {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 4) {
            for (int x = 0; x < img.getWidth(); x += 4) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
