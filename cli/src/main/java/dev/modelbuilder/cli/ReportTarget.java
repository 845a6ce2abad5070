package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.evaluation.report.EvaluationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Where {@code evaluate --report} and {@code runs show --report} may write, checked before any work: a new file, or
 * one the SDK wrote as a report; never a folder, a device, a pipe or other special file, the model being evaluated or
 * a file of the data it reads; another existing file only with {@code --overwrite}.
 */
final class ReportTarget {
    private ReportTarget() {
    }

    /**
     * For {@code evaluate --report}: the checks of {@link #check(Path, boolean)}, and neither the model nor a file of
     * the data it reads.
     */
    static void check(Path report, boolean overwrite, Path model, Path data) {
        checkKind(report);
        Path target = real(report);
        if (target.equals(real(model))) {
            throw new ValidationException("--report", report, "is the model being evaluated: give another file name");
        }
        Path folder = real(data);
        if (target.startsWith(folder)) {
            throw new ValidationException("--report", report, "is inside the data folder " + data
                    + ", which the evaluation reads: write the report elsewhere");
        }
        checkOverwrite(report, overwrite);
    }

    /** For a report copied from elsewhere ({@code runs show --report}): a new file or a report, never a folder. */
    static void check(Path report, boolean overwrite) {
        checkKind(report);
        checkOverwrite(report, overwrite);
    }

    private static void checkKind(Path report) {
        if (Files.isDirectory(report)) {
            throw new ValidationException("--report", report, "is a folder: give a file name, e.g. "
                    + report.resolve("report.html"));
        }
        if (Files.exists(report, LinkOption.NOFOLLOW_LINKS)
                && !Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS)) {
            throw new ValidationException("--report", report, "is not a regular file (a device, a pipe or a link): "
                    + "give the name of a new file");
        }
    }

    private static void checkOverwrite(Path report, boolean overwrite) {
        if (Files.isRegularFile(report, LinkOption.NOFOLLOW_LINKS) && !overwrite && !EvaluationReport.isReport(report)) {
            throw new ValidationException("--report", report, "exists and is not a report this SDK wrote: give a new "
                    + "file name, or --overwrite to replace it");
        }
    }

    /** The path with every existing part resolved (links followed), so that two names of one file compare equal. */
    private static Path real(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            Path parent = absolute.getParent();
            return parent == null ? absolute : real(parent).resolve(absolute.getFileName());
        }
    }
}
