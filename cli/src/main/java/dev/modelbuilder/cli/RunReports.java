package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.local.LocalProvider;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The evaluation report of an existing run, for {@code runs show --report}. */
final class RunReports {
    private RunReports() {
    }

    /**
     * Copies the report a local run wrote when it completed. The target has passed {@link ReportTarget#check(Path,
     * boolean)} before.
     *
     * @throws ModelBuilderException when the run has none (not local, not completed, or trained before reports)
     * @throws FileAccessException when the copy cannot be written
     */
    static void copy(ModelBuilderProvider provider, String workspace, Run run, Path target) {
        String evaluate = "evaluate its model instead: 'modelbuilder runs watch " + run.id() + " --workspace "
                + workspace + " --output DIR', then 'modelbuilder evaluate --model DIR/MLModel.zip --data "
                + "FOLDER --report " + target + "'";
        if (!(provider instanceof LocalProvider local)) {
            throw new ModelBuilderException("run " + run.id() + " has no evaluation report: the " + provider.name()
                    + " backend keeps no per-epoch metrics and validation predictions to build one from; " + evaluate);
        }
        Path source = local.evaluationReport(workspace, run.id()).orElseThrow(() -> new ModelBuilderException(
                "run " + run.id() + " has no evaluation report (status " + run.status() + "): a local run writes "
                        + "report.html when it completes with a validation split; " + evaluate));
        try {
            Path absolute = target.toAbsolutePath();
            Files.createDirectories(absolute.getParent());
            // crash-safe: a failed copy leaves the report that was there
            AtomicFiles.system().copy(source, absolute);
        } catch (IOException e) {
            throw new FileAccessException(target, "could not write the report " + target + " (" + reason(e)
                    + "): give a file in a folder that can be written, on a disk with room", e);
        }
    }

    /** The operating system's reason without the Java class name, e.g. "Not a directory" or "Permission denied". */
    private static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() == null ? f.getReason() : f.getFile() + ": " + f.getReason();
        }
        String kind = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2")
                .toLowerCase(Locale.ROOT);
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
