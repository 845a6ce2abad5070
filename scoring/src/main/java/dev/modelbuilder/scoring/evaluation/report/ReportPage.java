package dev.modelbuilder.scoring.evaluation.report;

import static dev.modelbuilder.scoring.evaluation.report.Html.escape;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.scoring.evaluation.SkippedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The parts that the single-label and the multi-label report pages share: frame, cards, curves, skipped files. */
final class ReportPage {
    /** Rows a table lists at most (the page's JSON keeps them all). */
    static final int MAX_TABLE_ROWS = 2000;

    private ReportPage() {
    }

    /**
     * @return the page up to and including its heading and the model and data line, with the shared style followed by
     *     {@code extraStyle}
     */
    static StringBuilder begin(String title, String extraStyle, String model, String dataFolder) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(EvaluationReport.GENERATOR)
                .append("\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(escape(title)).append("</title>\n<style>").append(EvaluationReport.STYLE)
                .append(extraStyle).append("</style>\n</head>\n<body>\n<main>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n");
        h.append("<p class=\"source\">").append(escape(model)).append(" on <code>").append(escape(dataFolder))
                .append("</code></p>\n");
        return h;
    }

    /** Ends the page with the evaluation's JSON (for scripts and tests), escaped so that it cannot close its tag. */
    static String end(StringBuilder h, String json) {
        h.append("<script type=\"application/json\" id=\"evaluation-data\">").append(json.replace("<", "\\u003c"))
                .append("</script>\n");
        return h.append("</main>\n</body>\n</html>\n").toString();
    }

    /** One figure of the summary. */
    static void card(StringBuilder h, String id, String name, String value, String detail) {
        h.append("<div class=\"card\" id=\"").append(id).append("\"><div class=\"name\">").append(escape(name))
                .append("</div><div class=\"value\">").append(escape(value)).append("</div><div class=\"detail\">")
                .append(escape(detail)).append("</div></div>");
    }

    /** The loss and accuracy charts, when there are curves. */
    static void trainingCurves(StringBuilder h, TrainingCurves curves) {
        if (curves == null || curves.isEmpty()) {
            return;
        }
        h.append("<section id=\"training-curves\"><h2>Training curves</h2><div class=\"charts\">")
                .append(Charts.curves(curves, "Loss", EpochMetrics::trainLoss, EpochMetrics::validationLoss, false))
                .append(Charts.curves(curves, "Accuracy", EpochMetrics::trainAccuracy,
                        EpochMetrics::validationAccuracy, true))
                .append("</div></section>\n");
    }

    /** The files that were not scored, and why, when there are any. */
    static void skipped(StringBuilder h, List<SkippedImage> skipped, long count) {
        if (skipped.isEmpty()) {
            return;
        }
        h.append("<section id=\"skipped\"><h2>Skipped files (").append(count)
                .append(")</h2><table class=\"figures\"><thead><tr><th>file</th><th>why</th></tr></thead><tbody>");
        for (SkippedImage s : skipped.subList(0, Math.min(MAX_TABLE_ROWS, skipped.size()))) {
            h.append("<tr><td>").append(escape(s.image())).append("</td><td>").append(escape(s.reason()))
                    .append("</td></tr>");
        }
        h.append("</tbody></table></section>\n");
    }

    /**
     * Writes the page crash-safely (core's {@link AtomicFiles}: a reader sees the old file or the new one).
     *
     * @throws FileAccessException if it cannot be written
     */
    static void write(Path file, String html) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            AtomicFiles.system().write(target, html.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new FileAccessException(target, "could not write the report " + target + ": " + e.getMessage(), e);
        }
    }
}
