package dev.modelbuilder.scoring.evaluation.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.LabelMetrics;
import dev.modelbuilder.scoring.evaluation.ModelEvaluator;
import dev.modelbuilder.scoring.evaluation.ModelEvaluatorTestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvaluationReportTest {

    @Test
    void theReportOfAnEvaluationCarriesTheNumbersOfItsJson(@TempDir Path dir) throws IOException {
        EvaluationResult r = ModelEvaluator.builder().withTopK(2).build().evaluate(
                ModelEvaluatorTestSupport.writePackage(dir), ModelEvaluatorTestSupport.writeFolder(dir.resolve("d")));
        Path file = dir.resolve("out/report.html");
        EvaluationReport.of(r).write(file);

        Document doc = parseStrictly(Files.readString(file));
        assertThat(doc.title()).isEqualTo("Model evaluation");
        JsonNode json = new ObjectMapper().readTree(doc.getElementById("evaluation-data").data());
        assertThat(json).isEqualTo(new ObjectMapper().readTree(r.withRelativePaths().toJson()));

        assertThat(card(doc, "accuracy")).isEqualTo(percent(json.get("accuracy").asDouble()));
        assertThat(card(doc, "top-k-accuracy")).isEqualTo(percent(json.get("topKAccuracy").asDouble()));
        assertThat(card(doc, "macro-f1")).isEqualTo(four(json.get("macro").get("f1").asDouble()));
        assertThat(card(doc, "weighted-f1")).isEqualTo(four(json.get("weighted").get("f1").asDouble()));
        assertThat(card(doc, "log-loss")).isEqualTo(four(json.get("logLoss").asDouble()));
        assertThat(card(doc, "images")).isEqualTo(json.get("images").asText());

        List<Element> rows = doc.select("#per-label-table tbody tr");
        assertThat(rows).hasSize(3 + 2);
        for (int i = 0; i < 3; i++) {
            JsonNode m = json.get("perLabel").get(i);
            List<String> cells = rows.get(i).select("td").eachText();
            assertThat(cells).containsExactly(m.get("label").asText(), four(m.get("precision").asDouble()),
                    four(m.get("recall").asDouble()), four(m.get("f1").asDouble()), m.get("support").asText(),
                    m.get("predicted").asText());
        }

        List<Element> cells = doc.select("svg.heatmap g.cell");
        assertThat(cells).hasSize(9);
        long sum = 0;
        for (Element cell : cells) {
            int t = Integer.parseInt(cell.attr("data-true"));
            int p = Integer.parseInt(cell.attr("data-predicted"));
            long count = Long.parseLong(cell.attr("data-count"));
            assertThat(count).isEqualTo(json.get("confusionMatrix").get("counts").get(t).get(p).asLong());
            assertThat(cell.selectFirst("text").text()).isEqualTo(Long.toString(count));
            sum += count;
        }
        assertThat(sum).isEqualTo(json.get("images").asLong());

        assertThat(doc.select("svg.bars g.label-bars")).hasSize(3);
        assertThat(doc.select(".gallery figure.thumb")).hasSize(3);
        assertThat(doc.select(".gallery img")).allSatisfy(img ->
                assertThat(img.attr("src")).startsWith("data:image/jpeg;base64,"));
        assertThat(doc.select(".gallery figcaption").eachText()).anySatisfy(t ->
                assertThat(t).contains("dog").contains("cat").contains("dog/a1.png"));
        assertThat(doc.getElementById("training-curves")).isNull();
        assertNoExternalReference(doc, Files.readString(file));
    }

    @Test
    void fiftyLabelsShowTheMostConfusedFortyAndCurvesWhenGiven(@TempDir Path dir) throws IOException {
        EvaluationResult r = ReportFixtures.manyLabels(dir, 50, 10);
        String html = EvaluationReport.of(r).withTrainingCurves(ReportFixtures.curves()).withMaxThumbnails(40)
                .toHtml();
        Document doc = parseStrictly(html);

        assertThat(doc.select("svg.heatmap g.cell")).hasSize(40 * 40);
        assertThat(doc.select("svg.heatmap text.row-label")).hasSize(40);
        assertThat(doc.select("svg.heatmap text.col-label")).hasSize(40);
        assertThat(doc.select("#confusion-matrix .note").text())
                .contains("The 40 labels with the most confusions of 50 are shown");
        JsonNode counts = new ObjectMapper().readTree(doc.getElementById("evaluation-data").data())
                .get("confusionMatrix").get("counts");
        for (Element cell : doc.select("svg.heatmap g.cell")) {
            assertThat(Long.parseLong(cell.attr("data-count"))).isEqualTo(counts
                    .get(Integer.parseInt(cell.attr("data-true"))).get(Integer.parseInt(cell.attr("data-predicted")))
                    .asLong());
        }
        assertThat(doc.select("svg.heatmap text.row-label title").eachText()).contains("a-rather-long-label-name-04");
        assertThat(doc.select("svg.bars g.label-bars")).hasSize(50);
        assertThat(doc.select(".gallery figure.thumb")).hasSize(40);
        assertThat(doc.select("#misclassified details tbody tr")).hasSize((int) r.misclassifiedCount() - 40);

        List<Element> curves = doc.select("#training-curves svg.curve");
        assertThat(curves).hasSize(2);
        for (Element curve : curves) {
            List<Element> lines = curve.select("polyline");
            assertThat(lines).hasSize(2);
            assertThat(lines).allSatisfy(l -> assertThat(l.attr("points").split(" ")).hasSize(12));
        }
        assertNoExternalReference(doc, html);
    }

    @Test
    void labelsAndFileNamesAreEscaped(@TempDir Path dir) {
        var acc = new dev.modelbuilder.scoring.evaluation.EvaluationAccumulator(List.of("<b>a&b</b>", "\"q\""), 1);
        acc.add("<b>a&b</b>/x<y>.png", 0, new double[] {0.2, 0.8});
        acc.add("\"q\"/1.png", 1, new double[] {0.1, 0.9});
        acc.skip("\"q\"/</script>.png", "not an image");
        String html = EvaluationReport.of(acc.result(dir.toString(), "m")).toHtml();
        Document doc = parseStrictly(html);
        assertThat(doc.select("b")).isEmpty();
        assertThat(doc.select("#per-label-table td").eachText()).contains("<b>a&b</b>", "\"q\"");
        assertThat(doc.select("#skipped td").eachText()).contains("\"q\"/</script>.png");
        assertThat(doc.getElementById("evaluation-data").data()).contains("\\u003c/script>").doesNotContain("<");
        assertThat(doc.select(".gallery .missing")).hasSize(1);
    }

    @Test
    void twoThousandLabelsMakeAReportThatGrowsLinearly(@TempDir Path dir) throws IOException {
        EvaluationResult r = ReportFixtures.confusedLabels(2000, 3);
        Path file = dir.resolve("report.html");
        long start = System.nanoTime();
        EvaluationReport.of(r).write(file);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        long size = Files.size(file);
        System.out.printf(Locale.ROOT, "2,000-label report: %.1f MB in %d ms%n", size / 1e6, tookMs);

        assertThat(size).isLessThan(20_000_000L);
        Document doc = parseStrictly(Files.readString(file));
        assertThat(doc.select("svg.heatmap g.cell")).hasSize(40 * 40);
        JsonNode matrix = new ObjectMapper().readTree(doc.getElementById("evaluation-data").data())
                .get("confusionMatrix");
        assertThat(matrix.has("counts")).as("no dense 2000x2000 matrix").isFalse();
        long cells = 0;
        for (JsonNode cell : matrix.get("cells")) {
            cells += cell.get(2).asLong();
        }
        assertThat(cells).isEqualTo(r.images());
        assertThat(doc.select("#per-label-table tbody tr")).hasSize(2000 + 2);
    }

    @Test
    void theReportNamesNoPathOfThisMachineUnlessAsked(@TempDir Path dir) {
        var acc = new dev.modelbuilder.scoring.evaluation.EvaluationAccumulator(List.of("cat", "dog"), 1);
        acc.add("cat/1.png", 0, new double[] {0.9, 0.1});
        acc.add("dog/2.png", 1, new double[] {0.6, 0.4});
        Path data = dir.resolve("held-out").toAbsolutePath();
        acc.skip("dog/broken.jpg", "cannot decode " + data.resolve("dog/broken.jpg") + ": truncated");
        EvaluationResult r = acc.result(data.toString(), dir.resolve("MLModel.zip").toAbsolutePath().toString());

        String shared = EvaluationReport.of(r).toHtml();
        assertThat(shared).doesNotContain(dir.toString()).contains("held-out").contains("MLModel.zip")
                .contains("cannot decode dog/broken.jpg: truncated");
        assertThat(EvaluationReport.of(r).withAbsolutePaths(true).toHtml()).contains(data.toString());
    }

    @Test
    void topKIsShownOnlyWhenItSaysMoreThanAccuracy(@TempDir Path dir) {
        var two = new dev.modelbuilder.scoring.evaluation.EvaluationAccumulator(List.of("cat", "dog"), 5);
        two.add("cat/1.png", 0, new double[] {0.9, 0.1});
        Document doc = parseStrictly(EvaluationReport.of(two.result(dir.toString(), "m")).toHtml());
        assertThat(doc.getElementById("top-k-accuracy")).isNull();
        assertThat(doc.getElementById("accuracy")).isNotNull();
    }

    @Test
    void aReportCarriesTheMarkerThatTellsItFromOtherFiles(@TempDir Path dir) throws IOException {
        var acc = new dev.modelbuilder.scoring.evaluation.EvaluationAccumulator(List.of("cat", "dog"), 1);
        acc.add("cat/1.png", 0, new double[] {0.9, 0.1});
        Path report = dir.resolve("r.html");
        EvaluationReport.of(acc.result(dir.toString(), "m")).write(report);
        Path other = Files.writeString(dir.resolve("notes.html"), "<html><body>mine</body></html>");

        assertThat(EvaluationReport.isReport(report)).isTrue();
        assertThat(EvaluationReport.isReport(other)).isFalse();
        assertThat(EvaluationReport.isReport(dir)).isFalse();
        assertThat(EvaluationReport.isReport(dir.resolve("missing.html"))).isFalse();
    }

    static Document parseStrictly(String html) {
        Parser parser = Parser.htmlParser().setTrackErrors(100);
        Document doc = Jsoup.parse(html, "", parser);
        assertThat(parser.getErrors()).as("HTML parse errors").isEmpty();
        return doc;
    }

    static void assertNoExternalReference(Document doc, String html) {
        assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:")
                .doesNotContain("//www").doesNotContainIgnoringCase("@import").doesNotContain("url(");
        assertThat(doc.select("link, iframe, object, embed, script[src], [href]")).isEmpty();
        assertThat(doc.select("[src]")).allSatisfy(e -> assertThat(e.attr("src")).startsWith("data:"));
        assertThat(doc.select("script")).allSatisfy(s -> assertThat(s.attr("type")).isEqualTo("application/json"));
    }

    private static String card(Document doc, String id) {
        return doc.getElementById(id).selectFirst(".value").text();
    }

    private static String four(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    @Test
    void perLabelBarsAreAsLongAsTheirValues(@TempDir Path dir) {
        EvaluationResult r = ReportFixtures.manyLabels(dir, 2, 10);
        Document doc = parseStrictly(EvaluationReport.of(r).toHtml());
        Element first = doc.selectFirst("svg.bars g.label-bars");
        LabelMetrics m = r.perLabel().get(0);
        assertThat(Double.parseDouble(first.selectFirst("rect.precision").attr("width")))
                .isCloseTo(360 * m.precision(), org.assertj.core.api.Assertions.within(0.01));
        assertThat(Double.parseDouble(first.selectFirst("rect.recall").attr("width")))
                .isCloseTo(360 * m.recall(), org.assertj.core.api.Assertions.within(0.01));
    }
}
