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
        assertThat(json).isEqualTo(new ObjectMapper().readTree(r.toJson()));

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
    void fiftyLabelsGiveEveryCellALabelledAxisAndCurvesWhenGiven(@TempDir Path dir) {
        EvaluationResult r = ReportFixtures.manyLabels(dir, 50, 10);
        String html = EvaluationReport.of(r).withTrainingCurves(ReportFixtures.curves()).withMaxThumbnails(40)
                .toHtml();
        Document doc = parseStrictly(html);

        assertThat(doc.select("svg.heatmap g.cell")).hasSize(2500);
        assertThat(doc.select("svg.heatmap text.row-label")).hasSize(50);
        assertThat(doc.select("svg.heatmap text.col-label")).hasSize(50);
        assertThat(doc.select("svg.heatmap g.cell").stream().mapToLong(c -> Long.parseLong(c.attr("data-count")))
                .sum()).isEqualTo(500);
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
        assertThat(doc.getElementById("evaluation-data").data()).contains("<\\/script>");
        assertThat(doc.select(".gallery .missing")).hasSize(1);
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
