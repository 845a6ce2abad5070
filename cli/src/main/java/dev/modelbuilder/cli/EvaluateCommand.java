package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.LabelDecisionMetrics;
import dev.modelbuilder.scoring.evaluation.MultiLabelEvaluationResult;
import dev.modelbuilder.scoring.evaluation.report.MultiLabelEvaluationReport;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.scoring.evaluation.LabelMetrics;
import dev.modelbuilder.scoring.evaluation.ModelEvaluator;
import dev.modelbuilder.scoring.evaluation.SkippedImage;
import dev.modelbuilder.scoring.evaluation.report.EvaluationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelbuilder evaluate}: measures an MLModel.zip on a labelled image folder. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate an MLModel.zip on labelled images (a folder with one sub-folder per label, or a "
                + "labels file, as for training): accuracy, per-label precision/recall/F1, top-k accuracy, log loss, "
                + "confusion matrix; for a multi-label model mean IoU, subset accuracy, Hamming loss, micro and "
                + "macro precision/recall/F1, per-label figures and the threshold that maximizes macro F1.",
            "Files that cannot be read as images are skipped and listed. Exit code 2 for bad input (a missing or "
                + "empty folder, a label the model does not know)."})
final class EvaluateCommand implements Callable<Integer>, ScoresImages {
    private static final int SKIPPED_SHOWN = 20;
    /** Above this many labels the console shows the largest confusions instead of the whole matrix. */
    static final int MATRIX_LABELS = 20;
    private static final int CONFUSIONS_SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "The MLModel.zip to evaluate.")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "DIR|FILE",
            description = "The labelled images: a folder with one sub-folder per label, or a labels file (.jsonl, "
                    + ".csv) whose image paths are relative to its folder.")
    Path data;

    @Option(names = "--top", defaultValue = "5", paramLabel = "K",
            description = "The k of the top-k accuracy (default 5; shown only when k is below the number of labels).")
    int top;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a self-contained HTML report (confusion matrix, per-label bars, misclassified "
                    + "images). A report written before is replaced; any other existing file only with --overwrite.")
    Path report;

    @Option(names = "--overwrite", description = "With --report: replace an existing file that is not a report.")
    boolean overwrite;

    @Option(names = "--absolute-paths",
            description = "With --report: show this machine's absolute paths (default: paths relative to the data "
                    + "folder, since reports are shared).")
    boolean absolutePaths;

    @Option(names = "--json", description = "Print the whole result as one JSON document.")
    boolean json;

    @Override
    public Integer call() {
        PackageCommand.requireFile("--model", model);
        if (top < 1) {
            throw new ValidationException("--top", top, "use 1 or more");
        }
        if (report != null) {
            ReportTarget.check(report, overwrite, model, data);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (ModelPackage.read(model).pipeline().isMultiLabel()) {
            return multiLabel(out, err);
        }
        EvaluationResult result;
        try (ProgressRenderer progress = new ProgressRenderer(err, !json && ProgressRenderer.isTerminal())) {
            result = ModelEvaluator.builder().withTopK(top).withListener(progress).build().evaluate(model, data);
        }
        if (report != null) {
            EvaluationReport.of(result).withTitle(reportTitle(result.dataFolder())).withAbsolutePaths(absolutePaths)
                    .write(report);
        }
        return finish(out, err, result::toJson, () -> print(out, result));
    }

    private Integer multiLabel(PrintWriter out, PrintWriter err) {
        MultiLabelEvaluationResult result;
        try (ProgressRenderer progress = new ProgressRenderer(err, !json && ProgressRenderer.isTerminal())) {
            result = ModelEvaluator.builder().withListener(progress).build().evaluateMultiLabel(model, data);
        }
        if (report != null) {
            MultiLabelEvaluationReport.of(result).withTitle(reportTitle(result.dataFolder()))
                    .withAbsolutePaths(absolutePaths).write(report);
        }
        return finish(out, err, result::toJson, () -> print(out, result));
    }

    /** The report's title: shared reports carry no absolute path unless {@code --absolute-paths} asks for them. */
    private String reportTitle(String dataFolder) {
        return "Evaluation of " + model.getFileName() + " on "
                + (absolutePaths ? dataFolder : data.toAbsolutePath().normalize().getFileName());
    }

    /** Prints the result as JSON or as text (with where the report went), for either kind of model. */
    private Integer finish(PrintWriter out, PrintWriter err, Supplier<String> asJson, Runnable asText) {
        if (json) {
            out.println(asJson.get());
        } else {
            asText.run();
            if (report != null) {
                out.println();
                out.println("Report written to " + report.toAbsolutePath());
            }
        }
        out.flush();
        err.flush();
        return ModelBuilderCli.OK;
    }

    static void print(PrintWriter out, MultiLabelEvaluationResult r) {
        out.printf(Locale.ROOT, "Evaluated %s on %s: %d images%s (multi-label)%n", r.model(), r.dataFolder(),
                r.images(), r.skippedCount() == 0 ? "" : " (" + r.skippedCount() + " skipped)");
        out.printf(Locale.ROOT, "mean IoU %.4f   subset accuracy %.2f%%   Hamming loss %.4f%n", r.meanIou(),
                100 * r.subsetAccuracy(), r.hammingLoss());
        out.printf(Locale.ROOT, "micro    precision %.4f  recall %.4f  F1 %.4f%n", r.micro().precision(),
                r.micro().recall(), r.micro().f1());
        out.printf(Locale.ROOT, "macro    precision %.4f  recall %.4f  F1 %.4f%n", r.macro().precision(),
                r.macro().recall(), r.macro().f1());
        out.printf(Locale.ROOT, "threshold maximizing macro F1 on this data: %.2f (macro F1 %.4f; not applied: "
                + "package --threshold sets it)%n", r.bestThreshold(), r.bestThresholdMacroF1());
        out.println();
        int w = Math.max(5, r.labels().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + w + "s  %9s  %6s  %6s  %6s  %6s  %6s  %6s  %9s%n", "label", "threshold", "TP",
                "FP", "FN", "TN", "prec.", "recall", "F1");
        for (LabelDecisionMetrics m : r.perLabel()) {
            out.printf(Locale.ROOT, "%-" + w + "s  %9.2f  %6d  %6d  %6d  %6d  %6.4f  %6.4f  %9.4f%n",
                    Printable.of(m.label()), m.threshold(), m.truePositives(), m.falsePositives(),
                    m.falseNegatives(), m.trueNegatives(), m.precision(), m.recall(), m.f1());
        }
        if (!r.skipped().isEmpty()) {
            out.println();
            out.println("Skipped " + r.skippedCount() + (r.skippedCount() == 1 ? " file:" : " files:"));
            for (SkippedImage s : r.skipped().subList(0, Math.min(SKIPPED_SHOWN, r.skipped().size()))) {
                out.println("  " + s.image() + ": " + s.reason());
            }
        }
    }

    static void print(PrintWriter out, EvaluationResult r) {
        out.printf(Locale.ROOT, "Evaluated %s on %s: %d images%s%n", r.model(), r.dataFolder(), r.images(),
                r.skippedCount() == 0 ? "" : " (" + r.skippedCount() + " skipped)");
        // top-k only where the report shows it too: with k at or above the label count it is always 100%
        String topK = r.topKIsInformative() ? String.format(Locale.ROOT, "   top-%d accuracy %.2f%%", r.topK(),
                100 * r.topKAccuracy()) : "";
        out.printf(Locale.ROOT, "accuracy %.2f%% (%d of %d)%s   log loss %.4f%n", 100 * r.accuracy(), r.correct(),
                r.images(), topK, r.logLoss());
        out.printf(Locale.ROOT, "macro    precision %.4f  recall %.4f  F1 %.4f%n", r.macro().precision(),
                r.macro().recall(), r.macro().f1());
        out.printf(Locale.ROOT, "weighted precision %.4f  recall %.4f  F1 %.4f%n", r.weighted().precision(),
                r.weighted().recall(), r.weighted().f1());
        out.println();
        int w = Math.max(5, r.labels().stream().mapToInt(String::length).max().orElse(5));
        out.printf(Locale.ROOT, "%-" + w + "s  %9s  %6s  %6s  %7s  %9s%n", "label", "precision", "recall", "F1",
                "support", "predicted");
        for (LabelMetrics m : r.perLabel()) {
            out.printf(Locale.ROOT, "%-" + w + "s  %9.4f  %6.4f  %6.4f  %7d  %9d%n", m.label(), m.precision(),
                    m.recall(), m.f1(), m.support(), m.predicted());
        }
        out.println();
        printMatrix(out, r);
        if (!r.skipped().isEmpty()) {
            out.println();
            out.println("Skipped " + r.skippedCount() + (r.skippedCount() == 1 ? " file:" : " files:"));
            for (SkippedImage s : r.skipped().subList(0, Math.min(SKIPPED_SHOWN, r.skipped().size()))) {
                out.println("  " + s.image() + ": " + s.reason());
            }
            if (r.skipped().size() > SKIPPED_SHOWN) {
                out.println("  ... and " + (r.skipped().size() - SKIPPED_SHOWN) + " more (see --json)");
            }
        }
    }

    /**
     * The matrix with label names as column headers when they are short and few, with column numbers otherwise
     * (the rows then carry the numbers).
     */
    private static void printMatrix(PrintWriter out, EvaluationResult r) {
        if (r.labels().size() > MATRIX_LABELS) {
            printLargestConfusions(out, r);
            return;
        }
        List<String> labels = r.labels();
        long[][] counts = r.confusionMatrix().counts();
        int n = labels.size();
        boolean named = n <= 12 && labels.stream().allMatch(l -> l.length() <= 10);
        long max = 0;
        for (long[] row : counts) {
            for (long c : row) {
                max = Math.max(max, c);
            }
        }
        int cw = Math.max(Long.toString(max).length(), named
                ? labels.stream().mapToInt(String::length).max().orElse(1) : Integer.toString(n - 1).length());
        String[] rowNames = new String[n];
        for (int i = 0; i < n; i++) {
            rowNames[i] = named ? labels.get(i) : String.format(Locale.ROOT, "%" + Integer.toString(n - 1).length()
                    + "d %s", i, labels.get(i));
        }
        int rw = 0;
        for (String s : rowNames) {
            rw = Math.max(rw, s.length());
        }
        rw = Math.max(rw, 4);
        out.println("Confusion matrix (rows: true label, columns: predicted label)");
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-" + rw + "s", ""));
        for (int p = 0; p < n; p++) {
            header.append(' ').append(String.format(Locale.ROOT, "%" + cw + "s", named ? labels.get(p)
                    : Integer.toString(p)));
        }
        out.println(header.toString().stripTrailing());
        for (int t = 0; t < n; t++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + rw + "s", rowNames[t]));
            for (int p = 0; p < n; p++) {
                line.append(' ').append(String.format(Locale.ROOT, "%" + cw + "d", counts[t][p]));
            }
            out.println(line);
        }
    }

    /** For many labels: the most frequent (true, predicted) mistakes, not a matrix of labels squared. */
    private static void printLargestConfusions(PrintWriter out, EvaluationResult r) {
        List<long[]> wrong = r.confusionMatrix().nonZeroCells().stream().filter(c -> c[0] != c[1])
                .sorted((a, b) -> Long.compare(b[2], a[2])).toList();
        out.printf(Locale.ROOT, "Largest confusions (%d labels: the whole matrix is in --json and the --report)%n",
                r.labels().size());
        if (wrong.isEmpty()) {
            out.println("  none: every image got its true label");
            return;
        }
        for (long[] c : wrong.subList(0, Math.min(CONFUSIONS_SHOWN, wrong.size()))) {
            out.printf(Locale.ROOT, "  %6d  %s -> %s%n", c[2], r.labels().get((int) c[0]), r.labels().get((int) c[1]));
        }
        if (wrong.size() > CONFUSIONS_SHOWN) {
            out.println("  ... and " + (wrong.size() - CONFUSIONS_SHOWN) + " more pairs");
        }
    }
}
