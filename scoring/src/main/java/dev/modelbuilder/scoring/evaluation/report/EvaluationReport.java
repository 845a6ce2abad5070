package dev.modelbuilder.scoring.evaluation.report;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.support.AtomicFiles;

import static dev.modelbuilder.scoring.evaluation.report.Html.escape;
import static dev.modelbuilder.scoring.evaluation.report.Html.number;
import static dev.modelbuilder.scoring.evaluation.report.Html.percent;
import static dev.modelbuilder.scoring.evaluation.report.ReportPage.card;

import dev.modelbuilder.scoring.evaluation.ConfusionMatrix;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.LabelMetrics;
import dev.modelbuilder.scoring.evaluation.Misclassified;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An evaluation as one self-contained HTML page to look at: the summary figures, the confusion matrix as a heat map
 * with counts, precision and recall bars per label, the per-label table, a gallery of the misclassified images as
 * small embedded thumbnails (most confident mistakes first) and, when given, the training curves. Everything is
 * inline (SVG drawn when the page is written, CSS, thumbnails as {@code data:} URIs): the page loads nothing, runs no
 * script, and can be mailed or archived as one file. The result's JSON is embedded too, in a
 * {@code <script type="application/json" id="evaluation-data">} element, for tools (every {@code <} in it written as
 * {@code \u003c}, so no label can end the element).
 *
 * <p>People share reports, so by default the page names no path of this machine: the data folder appears by its
 * name, images by their path inside it ({@link #withAbsolutePaths(boolean)} keeps absolute paths). Its size grows
 * linearly with labels and images: above {@value #MAX_HEAT_MAP_LABELS} labels the heat map shows the labels with the
 * most confusions (the embedded JSON has every non-zero cell). A page the SDK wrote carries a generator marker
 * ({@link #isReport(Path)}). Immutable.
 *
 * <pre>{@code
 * EvaluationReport.of(result)
 *         .withTrainingCurves(TrainingCurves.fromHistory(history))
 *         .write(Path.of("report.html"));
 * }</pre>
 *
 * @param result the evaluation
 * @param title the page title
 * @param curves the training curves, or {@code null} for none
 * @param maxThumbnails how many misclassified images get a thumbnail (the others are listed in a table)
 * @param absolutePaths whether the page shows this machine's absolute paths (the data folder, skip reasons) rather
 *     than paths relative to the data folder
 */
public record EvaluationReport(EvaluationResult result, String title, TrainingCurves curves, int maxThumbnails,
        boolean absolutePaths) {
    /** Thumbnails fit in a square of this many pixels. */
    public static final int THUMBNAIL_SIZE = 96;
    /** The heat map shows at most this many labels: all of them, or those with the most confusions. */
    public static final int MAX_HEAT_MAP_LABELS = 40;
    /** The generator marker in every page's head, by which {@link #isReport(Path)} knows a report. */
    static final String GENERATOR = "<meta name=\"generator\" content=\"Model Builder for Java evaluation report\">";

    /** Checks the fields. */
    public EvaluationReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(title, "title");
        if (maxThumbnails < 0) {
            throw new IllegalArgumentException("maxThumbnails must be 0 or more, got " + maxThumbnails);
        }
    }

    /**
     * @param result the evaluation
     * @return a report titled "Model evaluation", without curves, with up to 120 thumbnails
     */
    public static EvaluationReport of(EvaluationResult result) {
        return new EvaluationReport(result, "Model evaluation", null, 120, false);
    }

    /**
     * @param trainingCurves loss and accuracy per epoch (an empty one draws nothing)
     * @return a copy with the training curves
     */
    public EvaluationReport withTrainingCurves(TrainingCurves trainingCurves) {
        return new EvaluationReport(result, title, trainingCurves, maxThumbnails, absolutePaths);
    }

    /**
     * @param pageTitle the page's title and heading
     * @return a copy with that title
     */
    public EvaluationReport withTitle(String pageTitle) {
        return new EvaluationReport(result, pageTitle, curves, maxThumbnails, absolutePaths);
    }

    /**
     * @param max how many misclassified images get a thumbnail
     * @return a copy with that limit
     */
    public EvaluationReport withMaxThumbnails(int max) {
        return new EvaluationReport(result, title, curves, max, absolutePaths);
    }

    /**
     * @param absolute whether the page shows this machine's absolute paths (default: paths relative to the data
     *     folder, since reports are shared)
     * @return a copy with that choice
     */
    public EvaluationReport withAbsolutePaths(boolean absolute) {
        return new EvaluationReport(result, title, curves, maxThumbnails, absolute);
    }

    /**
     * Whether a file is a report this SDK wrote (it carries the generator marker in its first kilobytes), so that a
     * tool may replace it without asking.
     *
     * @param file a file
     * @return {@code true} when it is a regular file with the marker
     */
    public static boolean isReport(Path file) {
        if (!Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        byte[] head = new byte[4096];
        try (java.io.InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, head.length);
            return new String(head, 0, n, StandardCharsets.UTF_8).contains(GENERATOR);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes the page crash-safely (core's {@link AtomicFiles}: a reader sees the old file or the new one).
     *
     * @param file the HTML file to create or replace
     * @throws FileAccessException if it cannot be written
     */
    public void write(Path file) {
        ReportPage.write(file, toHtml());
    }

    /** @return the page */
    public String toHtml() {
        EvaluationResult shown = absolutePaths ? result : result.withRelativePaths();
        StringBuilder h = ReportPage.begin(title, "", shown.model(), shown.dataFolder());
        summary(h);
        ReportPage.trainingCurves(h, curves);
        heatMap(h);
        h.append("<section id=\"per-label\"><h2>Precision and recall per label</h2><div class=\"scroll\">")
                .append(Charts.labelBars(result.perLabel())).append("</div>");
        perLabelTable(h);
        h.append("</section>\n");
        gallery(h);
        ReportPage.skipped(h, shown.skipped(), shown.skippedCount());
        return ReportPage.end(h, shown.toJson());
    }

    private void summary(StringBuilder h) {
        h.append("<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">");
        card(h, "accuracy", "Accuracy", percent(result.accuracy()), result.correct() + " of " + result.images()
                + " right");
        if (result.topKIsInformative()) {
            card(h, "top-k-accuracy", "Top-" + result.topK() + " accuracy", percent(result.topKAccuracy()),
                    "true label among the " + result.topK() + " most probable");
        }
        card(h, "macro-f1", "Macro F1", number(result.macro().f1()), "P " + number(result.macro().precision())
                + " \u00b7 R " + number(result.macro().recall()));
        card(h, "weighted-f1", "Weighted F1", number(result.weighted().f1()), "P "
                + number(result.weighted().precision()) + " \u00b7 R " + number(result.weighted().recall()));
        card(h, "log-loss", "Log loss", number(result.logLoss()), "lower is better");
        card(h, "images", "Images", Long.toString(result.images()), result.misclassifiedCount() + " misclassified, "
                + result.skippedCount() + " skipped");
        h.append("</div></section>\n");
    }

    private void perLabelTable(StringBuilder h) {
        h.append("<table class=\"figures\" id=\"per-label-table\"><thead><tr><th>label</th><th>precision</th>"
                + "<th>recall</th><th>F1</th><th>support</th><th>predicted</th></tr></thead><tbody>");
        for (LabelMetrics m : result.perLabel()) {
            h.append("<tr><td>").append(escape(m.label())).append("</td><td>").append(number(m.precision()))
                    .append("</td><td>").append(number(m.recall())).append("</td><td>").append(number(m.f1()))
                    .append("</td><td>").append(m.support()).append("</td><td>").append(m.predicted())
                    .append("</td></tr>");
        }
        h.append("<tr class=\"average\"><td>macro average</td><td>").append(number(result.macro().precision()))
                .append("</td><td>").append(number(result.macro().recall())).append("</td><td>")
                .append(number(result.macro().f1())).append("</td><td></td><td></td></tr>");
        h.append("<tr class=\"average\"><td>weighted average</td><td>").append(number(result.weighted().precision()))
                .append("</td><td>").append(number(result.weighted().recall())).append("</td><td>")
                .append(number(result.weighted().f1())).append("</td><td>").append(result.images())
                .append("</td><td></td></tr></tbody></table>");
    }

    private void gallery(StringBuilder h) {
        List<Misclassified> wrong = result.misclassified().stream()
                .sorted(Comparator.comparingDouble(Misclassified::score).reversed()).toList();
        h.append("<section id=\"misclassified\"><h2>Misclassified images (").append(wrong.size()).append(")</h2>");
        if (wrong.isEmpty()) {
            h.append("<p>Every image got its true label.</p></section>\n");
            return;
        }
        h.append("<p class=\"note\">Most confident mistakes first.</p><div class=\"gallery\">");
        Path root = Thumbnails.imageRoot(result.dataFolder());
        int shown = Math.min(maxThumbnails, wrong.size());
        for (Misclassified m : wrong.subList(0, shown)) {
            h.append("<figure class=\"thumb\"><div class=\"frame\">");
            String uri = Thumbnails.dataUri(root.resolve(m.image()), THUMBNAIL_SIZE).orElse(null);
            if (uri == null) {
                h.append("<span class=\"missing\">image not readable</span>");
            } else {
                h.append("<img alt=\"").append(escape(m.image())).append("\" src=\"").append(uri).append("\">");
            }
            h.append("</div><figcaption><span class=\"true\" title=\"true label\">")
                    .append(escape(m.trueLabel())).append("</span><span class=\"predicted\" title=\"predicted label\">")
                    .append("\u2192 ").append(escape(m.predictedLabel())).append(" <span class=\"score\">")
                    .append(number(m.score())).append("</span></span><span class=\"file\" title=\"")
                    .append(escape(m.image())).append("\">").append(escape(m.image()))
                    .append("</span></figcaption></figure>");
        }
        h.append("</div>");
        if (wrong.size() > shown) {
            int rows = Math.min(ReportPage.MAX_TABLE_ROWS, wrong.size() - shown);
            h.append("<details><summary>").append(wrong.size() - shown).append(" more misclassified images")
                    .append("</summary><table class=\"figures\"><thead><tr><th>image</th><th>true</th>")
                    .append("<th>predicted</th><th>score</th></tr></thead><tbody>");
            for (Misclassified m : wrong.subList(shown, shown + rows)) {
                h.append("<tr><td>").append(escape(m.image())).append("</td><td>").append(escape(m.trueLabel()))
                        .append("</td><td>").append(escape(m.predictedLabel())).append("</td><td>")
                        .append(number(m.score())).append("</td></tr>");
            }
            h.append("</tbody></table>").append(rows < wrong.size() - shown ? "<p class=\"note\">The full list is "
                    + "in the embedded JSON.</p>" : "").append("</details>");
        }
        h.append("</section>\n");
    }

    private void heatMap(StringBuilder h) {
        ConfusionMatrix matrix = result.confusionMatrix();
        List<Integer> shown = Charts.mostConfused(matrix, MAX_HEAT_MAP_LABELS);
        h.append("<section id=\"confusion-matrix\"><h2>Confusion matrix</h2><p class=\"note\">Rows are the true "
                + "labels, columns the predicted ones; a cell's colour is its share of its row (blue: right, "
                + "orange: wrong).");
        if (shown.size() < matrix.labels().size()) {
            h.append(" The ").append(shown.size()).append(" labels with the most confusions of ")
                    .append(matrix.labels().size()).append(" are shown; every non-zero cell is in the embedded JSON.");
        }
        h.append("</p><div class=\"scroll\">").append(Charts.heatMap(matrix, shown)).append("</div></section>\n");
    }

    static final String STYLE = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f4f5f7; color: #1d2430;
              font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
            main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
            h1 { font-size: 24px; margin: 0 0 4px; }
            h2 { font-size: 17px; margin: 0 0 10px; }
            section { background: #fff; border: 1px solid #e1e4e8; border-radius: 8px; padding: 16px 18px;
              margin: 16px 0; }
            .source { color: #5b6472; margin: 0 0 8px; overflow-wrap: anywhere; }
            .note { color: #5b6472; margin: 0 0 10px; font-size: 13px; }
            .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 12px; }
            .card { border: 1px solid #e1e4e8; border-radius: 6px; padding: 10px 12px; background: #fafbfc; }
            .card .name { color: #5b6472; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
            .card .value { font-size: 26px; font-weight: 600; margin: 2px 0; }
            .card .detail { color: #5b6472; font-size: 12px; }
            .charts { display: flex; flex-wrap: wrap; gap: 16px; }
            .scroll { overflow-x: auto; }
            svg text:not([fill]) { fill: #1d2430; }
            svg .tick, svg .value { fill: #5b6472; }
            svg .axis-title { fill: #5b6472; font-weight: 600; }
            svg .chart-title { font-weight: 600; }
            table.figures { border-collapse: collapse; margin-top: 12px; font-variant-numeric: tabular-nums; }
            table.figures th, table.figures td { padding: 3px 12px 3px 0; text-align: right; border-bottom: 1px solid #eef0f2; }
            table.figures th:first-child, table.figures td:first-child { text-align: left; }
            table.figures tr.average td { font-weight: 600; }
            .gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 12px; }
            .thumb { margin: 0; border: 1px solid #e1e4e8; border-radius: 6px; padding: 6px; background: #fafbfc; }
            .thumb .frame { height: 96px; display: flex; align-items: center; justify-content: center; }
            .thumb img { max-width: 96px; max-height: 96px; image-rendering: auto; }
            .thumb .missing { color: #8a929e; font-size: 12px; }
            .thumb figcaption { font-size: 12px; margin-top: 4px; overflow-wrap: anywhere; }
            .thumb .true, .thumb .predicted { display: block; font-weight: 600; white-space: nowrap; overflow: hidden;
              text-overflow: ellipsis; }
            .thumb .true { color: #1f5fbf; }
            .thumb .predicted { color: #cf3f16; }
            .thumb .score { color: #5b6472; font-weight: 400; }
            .thumb .file { display: block; color: #8a929e; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
            details summary { cursor: pointer; margin-top: 12px; }
            """;
}
