package dev.modelbuilder.scoring.evaluation.report;

import static dev.modelbuilder.scoring.evaluation.report.Html.escape;
import static dev.modelbuilder.scoring.evaluation.report.Html.number;
import static dev.modelbuilder.scoring.evaluation.report.Html.percent;
import static dev.modelbuilder.scoring.evaluation.report.ReportPage.card;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.scoring.evaluation.LabelDecisionMetrics;
import dev.modelbuilder.scoring.evaluation.LabelMetrics;
import dev.modelbuilder.scoring.evaluation.MultiLabelEvaluationResult;
import dev.modelbuilder.scoring.evaluation.MultiLabelMistake;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A multi-label evaluation as one self-contained HTML page, made like {@link EvaluationReport}: the summary figures
 * (mean IoU, subset accuracy, Hamming loss, micro and macro F1, the threshold that would maximize macro F1), precision
 * and recall bars per label, each label's 2x2 table of true and predicted presence coloured as a heat map, and the
 * worst images (lowest IoU first) as thumbnails with their true and predicted label sets. Inline SVG, CSS and
 * thumbnails; no script runs; the result's JSON is embedded for tools. Its size grows linearly with labels and
 * images (the worst images are bounded by the result). Immutable.
 *
 * <pre>{@code
 * MultiLabelEvaluationReport.of(result).withTrainingCurves(curves).write(Path.of("report.html"));
 * }</pre>
 *
 * @param result the evaluation
 * @param title the page title
 * @param curves the training curves, or {@code null} for none
 * @param maxThumbnails how many of the worst images get a thumbnail (the others are listed in a table)
 * @param absolutePaths whether the page shows this machine's absolute paths
 */
public record MultiLabelEvaluationReport(MultiLabelEvaluationResult result, String title, TrainingCurves curves,
        int maxThumbnails, boolean absolutePaths) {

    /** Checks the fields. */
    public MultiLabelEvaluationReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(title, "title");
        if (maxThumbnails < 0) {
            throw new IllegalArgumentException("maxThumbnails must be 0 or more, got " + maxThumbnails);
        }
    }

    /**
     * @param result the evaluation
     * @return a report titled "Multi-label model evaluation", without curves, with up to 120 thumbnails
     */
    public static MultiLabelEvaluationReport of(MultiLabelEvaluationResult result) {
        return new MultiLabelEvaluationReport(result, "Multi-label model evaluation", null, 120, false);
    }

    /**
     * @param trainingCurves loss and accuracy per epoch
     * @return a copy with the training curves
     */
    public MultiLabelEvaluationReport withTrainingCurves(TrainingCurves trainingCurves) {
        return new MultiLabelEvaluationReport(result, title, trainingCurves, maxThumbnails, absolutePaths);
    }

    /**
     * @param pageTitle the page's title and heading
     * @return a copy with that title
     */
    public MultiLabelEvaluationReport withTitle(String pageTitle) {
        return new MultiLabelEvaluationReport(result, pageTitle, curves, maxThumbnails, absolutePaths);
    }

    /**
     * @param max how many of the worst images get a thumbnail
     * @return a copy with that limit
     */
    public MultiLabelEvaluationReport withMaxThumbnails(int max) {
        return new MultiLabelEvaluationReport(result, title, curves, max, absolutePaths);
    }

    /**
     * @param absolute whether the page shows this machine's absolute paths
     * @return a copy with that choice
     */
    public MultiLabelEvaluationReport withAbsolutePaths(boolean absolute) {
        return new MultiLabelEvaluationReport(result, title, curves, maxThumbnails, absolute);
    }

    /**
     * Writes the page crash-safely.
     *
     * @param file the HTML file to create or replace
     * @throws FileAccessException if it cannot be written
     */
    public void write(Path file) {
        ReportPage.write(file, toHtml());
    }

    /** @return the page */
    public String toHtml() {
        MultiLabelEvaluationResult shown = absolutePaths ? result : result.withRelativePaths();
        StringBuilder h = ReportPage.begin(title, STYLE, shown.model(), shown.dataFolder());
        summary(h);
        ReportPage.trainingCurves(h, curves);
        List<LabelMetrics> bars = result.perLabel().stream().map(m -> new LabelMetrics(m.label(), m.precision(),
                m.recall(), m.f1(), m.support(), m.predicted())).toList();
        h.append("<section id=\"per-label\"><h2>Precision and recall per label</h2><div class=\"scroll\">")
                .append(Charts.labelBars(bars)).append("</div></section>\n");
        decisionTables(h);
        worst(h);
        ReportPage.skipped(h, shown.skipped(), shown.skippedCount());
        return ReportPage.end(h, shown.toJson());
    }

    private void summary(StringBuilder h) {
        h.append("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
        card(h, "mean-iou", "Mean IoU", number(result.meanIou()), "|true \u2229 predicted| / |true \u222a predicted|");
        card(h, "subset-accuracy", "Subset accuracy", percent(result.subsetAccuracy()), "exactly the true labels");
        card(h, "hamming-loss", "Hamming loss", number(result.hammingLoss()), "wrong label decisions");
        card(h, "micro-f1", "Micro F1", number(result.micro().f1()), "P " + number(result.micro().precision())
                + " \u00b7 R " + number(result.micro().recall()));
        card(h, "macro-f1", "Macro F1", number(result.macro().f1()), "P " + number(result.macro().precision())
                + " \u00b7 R " + number(result.macro().recall()));
        card(h, "best-threshold", "Best threshold", String.format(Locale.ROOT, "%.2f", result.bestThreshold()),
                "macro F1 " + number(result.bestThresholdMacroF1()) + " here (not applied)");
        card(h, "images", "Images", Long.toString(result.images()), result.skippedCount() + " skipped");
        h.append("</div></section>\n");
    }

    /** Each label's 2x2 table in one row, its cells shaded by their share of the images (a heat map per label). */
    private void decisionTables(StringBuilder h) {
        h.append("<section id=\"label-decisions\"><h2>Each label's decisions</h2><p class=\"note\">For each label, "
                + "at its threshold: true positives (has it, given it), false positives, false negatives and true "
                + "negatives; a cell's shade is its share of the images (blue: right, orange: wrong).</p>"
                + "<div class=\"scroll\"><table class=\"figures decisions\"><thead><tr><th>label</th>"
                + "<th>threshold</th><th>TP</th><th>FP</th><th>FN</th><th>TN</th><th>precision</th><th>recall</th>"
                + "<th>F1</th></tr></thead><tbody>");
        double images = Math.max(1, result.images());
        for (LabelDecisionMetrics m : result.perLabel()) {
            h.append("<tr data-label=\"").append(escape(m.label())).append("\"><td>").append(escape(m.label()))
                    .append("</td><td>").append(String.format(Locale.ROOT, "%.2f", m.threshold())).append("</td>");
            cell(h, m.truePositives(), images, true);
            cell(h, m.falsePositives(), images, false);
            cell(h, m.falseNegatives(), images, false);
            cell(h, m.trueNegatives(), images, true);
            h.append("<td>").append(number(m.precision())).append("</td><td>").append(number(m.recall()))
                    .append("</td><td>").append(number(m.f1())).append("</td></tr>");
        }
        h.append("</tbody></table></div></section>\n");
    }

    private static void cell(StringBuilder h, long count, double images, boolean right) {
        double share = count / images;
        String colour = right ? "31, 95, 191" : "207, 63, 22";
        h.append("<td class=\"cell\" style=\"background: rgba(").append(colour).append(", ")
                .append(String.format(Locale.ROOT, "%.3f", 0.08 + 0.72 * share)).append(")\">").append(count)
                .append("</td>");
    }

    private void worst(StringBuilder h) {
        List<MultiLabelMistake> worst = result.worst();
        h.append("<section id=\"worst-images\"><h2>Worst images (").append(worst.size()).append(")</h2>");
        if (worst.isEmpty()) {
            h.append("<p>Every image got exactly its true labels.</p></section>\n");
            return;
        }
        h.append("<p class=\"note\">Lowest IoU first; true labels in blue, predicted ones in orange.</p>"
                + "<div class=\"gallery\">");
        Path root = Thumbnails.imageRoot(result.dataFolder());
        int shown = Math.min(maxThumbnails, worst.size());
        for (MultiLabelMistake m : worst.subList(0, shown)) {
            h.append("<figure class=\"thumb\"><div class=\"frame\">");
            String uri = Thumbnails.dataUri(root.resolve(m.image()), EvaluationReport.THUMBNAIL_SIZE).orElse(null);
            if (uri == null) {
                h.append("<span class=\"missing\">image not readable</span>");
            } else {
                h.append("<img alt=\"").append(escape(m.image())).append("\" src=\"").append(uri).append("\">");
            }
            h.append("</div><figcaption><span class=\"true\" title=\"true labels\">").append(set(m.trueLabels()))
                    .append("</span><span class=\"predicted\" title=\"predicted labels\">\u2192 ")
                    .append(set(m.predictedLabels())).append(" <span class=\"score\">IoU ").append(number(m.iou()))
                    .append("</span></span><span class=\"file\" title=\"").append(escape(m.image())).append("\">")
                    .append(escape(m.image())).append("</span></figcaption></figure>");
        }
        h.append("</div>");
        if (worst.size() > shown) {
            h.append("<details><summary>").append(worst.size() - shown).append(" more images</summary>")
                    .append("<table class=\"figures\"><thead><tr><th>image</th><th>true</th><th>predicted</th>")
                    .append("<th>IoU</th></tr></thead><tbody>");
            for (MultiLabelMistake m : worst.subList(shown, worst.size())) {
                h.append("<tr><td>").append(escape(m.image())).append("</td><td>").append(set(m.trueLabels()))
                        .append("</td><td>").append(set(m.predictedLabels())).append("</td><td>")
                        .append(number(m.iou())).append("</td></tr>");
            }
            h.append("</tbody></table></details>");
        }
        h.append("</section>\n");
    }

    private static String set(List<String> labels) {
        return labels.isEmpty() ? "\u2205" : escape("{" + String.join(", ", labels) + "}");
    }

    private static final String STYLE = """
            table.decisions td.cell { text-align: center; min-width: 44px; padding: 3px 8px; }
            .thumb .true, .thumb .predicted { white-space: normal; }
            """;
}
