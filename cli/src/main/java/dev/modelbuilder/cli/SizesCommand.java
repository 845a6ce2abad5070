package dev.modelbuilder.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelbuilder.azure.AzureVmSizes;
import dev.modelbuilder.core.model.ComputeSize;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelbuilder sizes}: the Azure provider's offline VM-size catalog ({@code AzureVmSizes}, the sizes
 * {@code compute create --size} and {@code train --size} name on Azure), or with {@code --backend azure --region R}
 * the sizes Azure offers in that region now. The local backend has one size, this machine's CPU ({@code local-cpu}).
 */
@Command(name = "sizes", mixinStandardHelpOptions = true,
        description = "Print the GPU compute size catalog: vCPU, memory, SSD, GPUs, GPU memory, disks, NICs, "
                + "and the retirement date of retired sizes. With --backend azure --region R: the sizes Azure "
                + "offers in that region now.")
final class SizesCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @picocli.CommandLine.Mixin
    BackendArguments backend;

    @Override
    public Integer call() throws Exception {
        if (!backend.isAzure()) {
            print(AzureVmSizes.catalog(), json, spec.commandLine().getOut());
            return ModelBuilderCli.OK;
        }
        if (backend.region == null) {
            throw new dev.modelbuilder.core.exception.ValidationException("--region", null,
                    "give the Azure region whose live size list to show, e.g. eastus");
        }
        try (dev.modelbuilder.azure.AzureMlProvider azure = backend.openAzure()) {
            print(azure.availableSizes(backend.region), json, spec.commandLine().getOut());
        }
        return ModelBuilderCli.OK;
    }

    static void print(List<ComputeSize> sizes, boolean json, PrintWriter out) throws Exception {
        if (json) {
            List<Map<String, Object>> rows = sizes.stream().map(SizesCommand::row).toList();
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
            return;
        }
        String format = "%-26s %5s %9s %9s %5s %9s %6s %5s  %s%n";
        out.printf(Locale.ROOT, format, "NAME", "VCPU", "MEM(GiB)", "SSD(GiB)", "GPUS", "GPU(GiB)", "DISKS", "NICS",
                "RETIRED");
        for (ComputeSize s : sizes) {
            out.printf(Locale.ROOT, format, s.name(), s.vcpus(), trim(s.memoryGiB()), s.tempStorageGiB(), s.gpus(),
                    s.gpuMemoryGiB(), s.maxDataDisks(), s.maxNics(),
                    s.isRetired() ? s.retiredOn() + " (use " + String.join(", ", s.replacements()) + ")" : "-");
        }
        out.flush();
    }

    /** Writes whole numbers without a fraction: 28, not 28.0. */
    static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static Map<String, Object> row(ComputeSize s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("family", s.family());
        m.put("vcpus", s.vcpus());
        m.put("memoryGiB", s.memoryGiB());
        m.put("tempStorageGiB", s.tempStorageGiB());
        m.put("gpus", s.gpus());
        m.put("gpuMemoryGiB", s.gpuMemoryGiB());
        m.put("maxDataDisks", s.maxDataDisks());
        m.put("maxNics", s.maxNics());
        m.put("gpuModel", s.gpuModel());
        m.put("retiredOn", s.retiredOn() == null ? null : s.retiredOn().toString());
        m.put("replacements", s.replacements());
        return m;
    }
}
