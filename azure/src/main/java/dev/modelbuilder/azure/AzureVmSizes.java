package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Azure's GPU VM sizes for AmlCompute training clusters, with their published figures, the quota family Azure counts
 * their vCPUs in, and the retirement date and replacements of retired ones. It is the Azure provider's offline size
 * catalog ({@code provider.computes().sizeCatalog()}): names resolve in it without a remote call, and the provider
 * refuses a retired size before any remote call, naming its replacements and their quota families. Azure may offer
 * sizes outside it; {@link AzureMlProvider#availableSizes(String)} lists what a region offers now.
 *
 * <pre>{@code
 * ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
 * ComputeSize nc12 = AzureVmSizes.find("Standard_NC12").orElseThrow();
 * nc12.isRetired();   // true: the original NC series was retired on 2023-09-06
 * }</pre>
 */
public final class AzureVmSizes {
    private static final LocalDate NC_RETIREMENT = LocalDate.of(2023, 9, 6);
    private static final List<String> NC_REPLACEMENTS =
            List.of("Standard_NC4as_T4_v3", "Standard_NC16as_T4_v3", "Standard_NC24ads_A100_v4");

    /** Original NC series (2 x Tesla K80), retired 2023-09-06. */
    public static final ComputeSize STANDARD_NC12 = new ComputeSize("Standard_NC12", "standardNCFamily", 12, 112,
            680, 2, 24, 48, 2, "NVIDIA Tesla K80", NC_RETIREMENT, NC_REPLACEMENTS);
    /** Original NC series (4 x Tesla K80), retired 2023-09-06. */
    public static final ComputeSize STANDARD_NC24 = new ComputeSize("Standard_NC24", "standardNCFamily", 24, 224,
            1440, 4, 48, 64, 4, "NVIDIA Tesla K80", NC_RETIREMENT, NC_REPLACEMENTS);
    /** NCasT4_v3: 1 x T4, the cheapest current GPU size for training small image models. */
    public static final ComputeSize STANDARD_NC4AS_T4_V3 = current("Standard_NC4as_T4_v3",
            "standardNCASv3_T4Family", 4, 28, 180, 1, 16, 8, 2, "NVIDIA T4");
    /** NCasT4_v3: 1 x T4. */
    public static final ComputeSize STANDARD_NC8AS_T4_V3 = current("Standard_NC8as_T4_v3",
            "standardNCASv3_T4Family", 8, 56, 360, 1, 16, 16, 4, "NVIDIA T4");
    /** NCasT4_v3: 1 x T4. */
    public static final ComputeSize STANDARD_NC16AS_T4_V3 = current("Standard_NC16as_T4_v3",
            "standardNCASv3_T4Family", 16, 110, 360, 1, 16, 32, 8, "NVIDIA T4");
    /** NCasT4_v3: 4 x T4. */
    public static final ComputeSize STANDARD_NC64AS_T4_V3 = current("Standard_NC64as_T4_v3",
            "standardNCASv3_T4Family", 64, 440, 2880, 4, 64, 32, 8, "NVIDIA T4");
    /** NC A100 v4: 1 x A100 80 GB PCIe. */
    public static final ComputeSize STANDARD_NC24ADS_A100_V4 = current("Standard_NC24ads_A100_v4",
            "StandardNCADSA100v4Family", 24, 220, 64, 1, 80, 12, 2, "NVIDIA A100 PCIe");
    /** NC A100 v4: 2 x A100 80 GB PCIe. */
    public static final ComputeSize STANDARD_NC48ADS_A100_V4 = current("Standard_NC48ads_A100_v4",
            "StandardNCADSA100v4Family", 48, 440, 128, 2, 160, 24, 4, "NVIDIA A100 PCIe");
    /** NC A100 v4: 4 x A100 80 GB PCIe. */
    public static final ComputeSize STANDARD_NC96ADS_A100_V4 = current("Standard_NC96ads_A100_v4",
            "StandardNCADSA100v4Family", 96, 880, 256, 4, 320, 32, 8, "NVIDIA A100 PCIe");
    /** NCads H100 v5: 1 x H100 NVL 94 GB. */
    public static final ComputeSize STANDARD_NC40ADS_H100_V5 = current("Standard_NC40ads_H100_v5",
            "standardNCadsH100v5Family", 40, 320, 3576, 1, 94, 12, 2, "NVIDIA H100 NVL");
    /** NCads H100 v5: 2 x H100 NVL 94 GB. */
    public static final ComputeSize STANDARD_NC80ADIS_H100_V5 = current("Standard_NC80adis_H100_v5",
            "standardNCadsH100v5Family", 80, 640, 7152, 2, 188, 24, 4, "NVIDIA H100 NVL");

    private static final List<ComputeSize> CATALOG = List.of(STANDARD_NC12, STANDARD_NC24, STANDARD_NC4AS_T4_V3,
            STANDARD_NC8AS_T4_V3, STANDARD_NC16AS_T4_V3, STANDARD_NC64AS_T4_V3, STANDARD_NC24ADS_A100_V4,
            STANDARD_NC48ADS_A100_V4, STANDARD_NC96ADS_A100_V4, STANDARD_NC40ADS_H100_V5,
            STANDARD_NC80ADIS_H100_V5);

    private AzureVmSizes() {
    }

    private static ComputeSize current(String name, String family, int vcpus, double memoryGiB, int tempStorageGiB,
            int gpus, int gpuMemoryGiB, int maxDataDisks, int maxNics, String gpuModel) {
        return new ComputeSize(name, family, vcpus, memoryGiB, tempStorageGiB, gpus, gpuMemoryGiB, maxDataDisks,
                maxNics, gpuModel, null, List.of());
    }

    /** @return every size of the catalog, retired ones included, ordered as declared */
    public static List<ComputeSize> catalog() {
        return CATALOG;
    }

    /**
     * @param name a size name, in any letter case (Azure echoes sizes in upper case)
     * @return the catalog entry, if the catalog has one
     */
    public static Optional<ComputeSize> find(String name) {
        return CATALOG.stream().filter(s -> s.isNamed(name)).findFirst();
    }

    /** @return the current (not retired) catalog sizes, smallest first by vCPU */
    public static List<ComputeSize> currentSizes() {
        return CATALOG.stream().filter(s -> !s.isRetired()).sorted(Comparator.comparingInt(ComputeSize::vcpus))
                .toList();
    }

    /**
     * Refuses a retired size: one the catalog lists as retired, or any size that says it is.
     *
     * @param size a size, or {@code null} (nothing to check)
     * @throws ValidationException naming the size, its retirement date and the current replacements with their
     *     quota families
     */
    static void requireCurrent(ComputeSize size) {
        if (size == null) {
            return;
        }
        ComputeSize known = size.isRetired() ? size : find(size.name()).filter(ComputeSize::isRetired).orElse(null);
        if (known != null) {
            throw new ValidationException("compute size", size.name(), "it was retired on " + known.retiredOn()
                    + " and Azure no longer offers it; use a current size instead: " + known.replacements().stream()
                            .map(n -> n + find(n).map(s -> " (quota family " + s.family() + ")").orElse(""))
                            .collect(Collectors.joining(", ")));
        }
    }
}
