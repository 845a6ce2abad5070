package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;

/** Asks before anything that creates billable Azure resources; {@code --yes} skips the question. */
final class Confirmation {
    private Confirmation() {
    }

    /**
     * @param what what will be created, and what it costs in words
     * @param yes whether the user passed {@code --yes}
     * @param err where to ask
     * @throws ValidationException when not confirmed (exit code 2)
     */
    static void require(String what, boolean yes, PrintWriter err) {
        err.println(what);
        err.flush();
        if (yes) {
            return;
        }
        if (System.console() == null) {
            throw new ValidationException("--yes", null,
                    "this creates billable Azure resources; pass --yes to confirm when not running interactively");
        }
        err.print("Proceed? [y/N] ");
        err.flush();
        String answer;
        try {
            answer = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset())).readLine();
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).startsWith("y")) {
            throw new ValidationException("confirmation", answer == null ? "" : answer.trim(),
                    "nothing was created; answer y to proceed");
        }
    }

    /** What creating a workspace brings with it. */
    static String workspaceCost(String name, String region, String resourceGroup) {
        return "This creates workspace '" + name + "' in " + region + " (resource group " + resourceGroup
                + ") with a storage account, a key vault and Application Insights, which bill for what they store"
                + " and serve.";
    }

    /** What a compute can cost: its size, node range and idle release. */
    static String computeCost(String workspace, ComputeSpec spec) {
        ComputeSize size = spec.size();
        return String.format(Locale.ROOT, "This creates compute '%s' in workspace '%s': %d to %d node(s) of %s "
                + "(%d vCPU, %s GiB, %d x %s with %d GiB GPU memory). Azure bills each running node by the hour, "
                + "so up to %d node-hours per hour of use; idle nodes above the minimum are released after %s%s.",
                spec.name(), workspace, spec.minNodes(), spec.maxNodes(), size.name(), size.vcpus(),
                SizesCommand.trim(size.memoryGiB()), size.gpus(), size.gpuModel() == null ? "GPU" : size.gpuModel(),
                size.gpuMemoryGiB(), spec.maxNodes(),
                spec.idleTimeBeforeScaleDown().toString().substring(2).toLowerCase(Locale.ROOT),
                spec.minNodes() > 0 ? " (" + spec.minNodes() + " node(s) stay billed even when idle)" : "");
    }
}
