package dev.modelbuilder.core.model;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A virtual-machine size a compute can use, with its published figures. The constants form the built-in
 * catalog ({@link #catalog()}); a provider may report sizes outside it (e.g. from Azure's live size list).
 *
 * <pre>{@code
 * ComputeSize t4 = ComputeSize.STANDARD_NC4AS_T4_V3;
 * ComputeSize nc12 = ComputeSize.find("Standard_NC12").orElseThrow();
 * nc12.isRetired();   // true: the original NC series was retired on 2023-09-06
 * }</pre>
 *
 * @param name the size as Azure names it, e.g. {@code Standard_NC4as_T4_v3} (compared case-insensitively)
 * @param family the quota family Azure counts its cores in, e.g. {@code standardNCASv3_T4Family}
 * @param vcpus virtual CPUs
 * @param memoryGiB memory in GiB
 * @param tempStorageGiB temporary (SSD) storage in GiB
 * @param gpus GPU count (0 for CPU sizes)
 * @param gpuMemoryGiB GPU memory in GiB, all GPUs together
 * @param maxDataDisks maximum data disks
 * @param maxNics maximum network interfaces
 * @param gpuModel e.g. {@code NVIDIA T4}, or {@code null} for CPU sizes
 * @param retiredOn the retirement date, or {@code null} while the size is current
 * @param replacements names of current sizes to use instead of a retired one
 */
public record ComputeSize(String name, String family, int vcpus, double memoryGiB, int tempStorageGiB, int gpus,
        int gpuMemoryGiB, int maxDataDisks, int maxNics, String gpuModel, LocalDate retiredOn,
        List<String> replacements) {

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

    /** Checks the figures and copies the replacement list. */
    public ComputeSize {
        Objects.requireNonNull(name, "name");
        if (vcpus < 1 || memoryGiB <= 0 || tempStorageGiB < 0 || gpus < 0 || gpuMemoryGiB < 0 || maxDataDisks < 0
                || maxNics < 0) {
            throw new IllegalArgumentException("size " + name + " has an impossible figure");
        }
        replacements = List.copyOf(Objects.requireNonNullElse(replacements, List.of()));
    }

    private static ComputeSize current(String name, String family, int vcpus, double memoryGiB, int tempStorageGiB,
            int gpus, int gpuMemoryGiB, int maxDataDisks, int maxNics, String gpuModel) {
        return new ComputeSize(name, family, vcpus, memoryGiB, tempStorageGiB, gpus, gpuMemoryGiB, maxDataDisks,
                maxNics, gpuModel, null, List.of());
    }

    /** @return every size of the built-in catalog, retired ones included, ordered as declared */
    public static List<ComputeSize> catalog() {
        return CATALOG;
    }

    /**
     * @param name a size name, in any letter case
     * @return the catalog entry, if the catalog has one
     */
    public static Optional<ComputeSize> find(String name) {
        return CATALOG.stream().filter(s -> s.name.equalsIgnoreCase(name)).findFirst();
    }

    /** @return whether the size was retired (Azure no longer offers it) */
    public boolean isRetired() {
        return retiredOn != null;
    }

    /** @return whether the size has at least one GPU */
    public boolean hasGpu() {
        return gpus > 0;
    }

    /**
     * @param other another size name
     * @return whether it names this size (Azure echoes sizes in upper case)
     */
    public boolean isNamed(String other) {
        return name.toLowerCase(Locale.ROOT).equals(other == null ? null : other.toLowerCase(Locale.ROOT));
    }

    /** @return the current catalog sizes, smallest first by vCPU */
    public static List<ComputeSize> currentSizes() {
        return CATALOG.stream().filter(s -> !s.isRetired()).sorted(Comparator.comparingInt(ComputeSize::vcpus))
                .toList();
    }
}
