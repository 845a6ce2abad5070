package dev.modelbuilder.core.model;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A machine size a compute can use, with its published figures, as a provider describes it. Core defines no sizes:
 * each provider lists its own ({@code ComputeOperations.sizeCatalog()} offline,
 * {@code Computes.availableSizes()} live), e.g. the Azure provider's {@code AzureVmSizes} or the
 * local provider's CPU size.
 *
 * <p><b>Quota family and retirement.</b> {@code family}, {@code retiredOn} and {@code replacements} are optional,
 * provider-neutral facts: clouds commonly count quota per family of sizes and retire old sizes in favour of newer
 * ones, and keeping both on this record lets every provider-neutral listing (the live list, the offline catalog,
 * the command line's {@code sizes}) show them without a second, provider-specific size type. Core only carries
 * them: it refuses no size for being retired. What a retirement means is the provider's decision (the Azure
 * provider refuses a retired size before any remote call; a provider without quota families leaves
 * {@code family} {@code null}).
 *
 * <pre>{@code
 * ComputeSize cpu = new ComputeSize("cpu-8", null, 8, 32, 100, 0, 0, 0, 1, null, null, List.of());
 * cpu.hasGpu();      // false
 * cpu.isRetired();   // false
 * }</pre>
 *
 * @param name the size as the provider names it, e.g. {@code Standard_NC4as_T4_v3} (compared case-insensitively)
 * @param family the quota family the provider counts this size's cores in, or {@code null} when it has none
 * @param vcpus virtual CPUs (at least 1)
 * @param memoryGiB memory in GiB (more than 0)
 * @param tempStorageGiB temporary (SSD) storage in GiB
 * @param gpus GPU count (0 for CPU sizes)
 * @param gpuMemoryGiB GPU memory in GiB, all GPUs together
 * @param maxDataDisks maximum data disks (0 where the provider does not say)
 * @param maxNics maximum network interfaces (0 where the provider does not say)
 * @param gpuModel e.g. {@code NVIDIA T4}, or {@code null} for CPU sizes
 * @param retiredOn the date from which the provider no longer offers the size, or {@code null} while it is current
 * @param replacements names of current sizes the provider advises instead of a retired one ({@code null} reads as
 *     none)
 */
public record ComputeSize(String name, String family, int vcpus, double memoryGiB, int tempStorageGiB, int gpus,
        int gpuMemoryGiB, int maxDataDisks, int maxNics, String gpuModel, LocalDate retiredOn,
        List<String> replacements) {

    /**
     * Checks the figures and copies the replacement list.
     *
     * @throws IllegalArgumentException when a figure is impossible (no vCPU, no memory, a negative count)
     */
    public ComputeSize {
        Objects.requireNonNull(name, "name");
        if (vcpus < 1 || memoryGiB <= 0 || tempStorageGiB < 0 || gpus < 0 || gpuMemoryGiB < 0 || maxDataDisks < 0
                || maxNics < 0) {
            throw new IllegalArgumentException("size " + name + " has an impossible figure: it needs at least 1 vCPU,"
                    + " more than 0 GiB of memory and no negative storage, GPU, disk or NIC count");
        }
        replacements = List.copyOf(Objects.requireNonNullElse(replacements, List.of()));
    }

    /** @return whether the provider retired the size ({@link #retiredOn()} is set) */
    public boolean isRetired() {
        return retiredOn != null;
    }

    /** @return whether the size has at least one GPU */
    public boolean hasGpu() {
        return gpus > 0;
    }

    /**
     * @param other another size name, in any letter case (some services echo sizes in upper case)
     * @return whether it names this size
     */
    public boolean isNamed(String other) {
        return other != null && name.toLowerCase(Locale.ROOT).equals(other.toLowerCase(Locale.ROOT));
    }
}
