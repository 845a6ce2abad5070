package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.local.LocalProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The evaluation report of an existing run, for {@code runs show --report}. */
final class RunReports {
    private RunReports() {
    }

    /**
     * Copies the report a local run wrote when it completed.
     *
     * @throws ModelBuilderException when the run has none (not local, not completed, or trained before reports)
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
            Files.copy(source, absolute, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the report " + target + ": " + e.getMessage(), e);
        }
    }
}
