package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The VM sizes that Azure Machine Learning managed online endpoints run on: Learn's "Managed online endpoints SKU
 * list" (reference-managed-online-endpoints-vm-sku-list.md, ms.date 2023-10-18), with each size's quota family, vCPU
 * and GPU counts, and whether Azure does without its 20 % upgrade reserve of quota for it. It is not the training
 * catalog ({@link AzureVmSizes}): endpoints run on general-purpose sizes too, and several training sizes are not
 * offered for endpoints. The Azure provider refuses an instance type outside this list before any remote call.
 *
 * <pre>{@code
 * ws.endpoints().define("flowers").withModel(dir).withInstanceType(AzureOnlineSkus.DEFAULT.name()).create();
 * AzureOnlineSkus.find("standard_ds3_v2").orElseThrow().vcpus();   // 4
 * }</pre>
 */
public final class AzureOnlineSkus {
    /**
     * A size managed online endpoints run on.
     *
     * @param name the size as requests name it, e.g. {@code Standard_DS3_v2} (Azure compares names case-insensitively)
     * @param family the quota family Azure counts its vCPUs in, as the list writes it
     * @param vcpus vCPUs per instance
     * @param gpus GPUs per instance (a fraction for the partitioned A10 sizes)
     * @param skipsReserve whether Azure does without its 20 % upgrade reserve of quota for this size
     */
    public record Sku(String name, String family, int vcpus, double gpus, boolean skipsReserve) {
        /**
         * @param other a size name in any letter case
         * @return whether it names this size
         */
        public boolean isNamed(String other) {
            return other != null && name.equalsIgnoreCase(other.strip());
        }

        /**
         * The vCPU quota {@code count} instances take: {@code ceil(1.2 * count) * vCPUs}, since Azure reserves 20 %
         * more instances for upgrades of most sizes, else {@code count * vCPUs} (Learn, "Manage and increase quotas",
         * virtual machine quota allocation for deployment: 10 x Standard_DS3_v2 need 48 cores).
         *
         * @param count instances
         * @return vCPUs of quota they need
         */
        public long quotaFor(int count) {
            long instances = skipsReserve ? count : ((long) count * 12 + 9) / 10;
            return instances * vcpus;
        }
    }

    private static final List<Sku> CATALOG = List.of(
            sku("Standard_D2as_v4", "standardDASv4Family", 2, 0, false),
            sku("Standard_D4as_v4", "standardDASv4Family", 4, 0, false),
            sku("Standard_D8as_v4", "standardDASv4Family", 8, 0, false),
            sku("Standard_D16as_v4", "standardDASv4Family", 16, 0, false),
            sku("Standard_D32as_v4", "standardDASv4Family", 32, 0, false),
            sku("Standard_D48as_v4", "standardDASv4Family", 48, 0, false),
            sku("Standard_D64as_v4", "standardDASv4Family", 64, 0, false),
            sku("Standard_D96as_v4", "standardDASv4Family", 96, 0, false),
            sku("Standard_D2a_v4", "standardDAv4Family", 2, 0, false),
            sku("Standard_D4a_v4", "standardDAv4Family", 4, 0, false),
            sku("Standard_D8a_v4", "standardDAv4Family", 8, 0, false),
            sku("Standard_D16a_v4", "standardDAv4Family", 16, 0, false),
            sku("Standard_D32a_v4", "standardDAv4Family", 32, 0, false),
            sku("Standard_D48a_v4", "standardDAv4Family", 48, 0, false),
            sku("Standard_D64a_v4", "standardDAv4Family", 64, 0, false),
            sku("Standard_D96a_v4", "standardDAv4Family", 96, 0, false),
            sku("Standard_DS1_v2", "standardDSv2Family", 1, 0, false),
            sku("Standard_DS2_v2", "standardDSv2Family", 2, 0, false),
            sku("Standard_DS3_v2", "standardDSv2Family", 4, 0, false),
            sku("Standard_DS4_v2", "standardDSv2Family", 8, 0, false),
            sku("Standard_DS5_v2", "standardDSv2Family", 16, 0, false),
            sku("Standard_E2s_v3", "standardESv3Family", 2, 0, false),
            sku("Standard_E4s_v3", "standardESv3Family", 4, 0, false),
            sku("Standard_E8s_v3", "standardESv3Family", 8, 0, false),
            sku("Standard_E16s_v3", "standardESv3Family", 16, 0, false),
            sku("Standard_E32s_v3", "standardESv3Family", 32, 0, false),
            sku("Standard_E48s_v3", "standardESv3Family", 48, 0, false),
            sku("Standard_E64s_v3", "standardESv3Family", 64, 0, false),
            sku("Standard_F2s_v2", "standardFSv2Family", 2, 0, false),
            sku("Standard_F4s_v2", "standardFSv2Family", 4, 0, false),
            sku("Standard_F8s_v2", "standardFSv2Family", 8, 0, false),
            sku("Standard_F16s_v2", "standardFSv2Family", 16, 0, false),
            sku("Standard_F32s_v2", "standardFSv2Family", 32, 0, false),
            sku("Standard_F48s_v2", "standardFSv2Family", 48, 0, false),
            sku("Standard_F64s_v2", "standardFSv2Family", 64, 0, false),
            sku("Standard_F72s_v2", "standardFSv2Family", 72, 0, false),
            sku("Standard_FX4mds", "standardFXMDVSFamily", 4, 0, false),
            sku("Standard_FX12mds", "standardFXMDVSFamily", 12, 0, false),
            sku("Standard_FX24mds", "standardFXMDVSFamily", 24, 0, false),
            sku("Standard_FX36mds", "standardFXMDVSFamily", 36, 0, false),
            sku("Standard_FX48mds", "standardFXMDVSFamily", 48, 0, false),
            sku("Standard_L8as_v3", "standardLASv3Family", 8, 0, false),
            sku("Standard_L16as_v3", "standardLASv3Family", 16, 0, false),
            sku("Standard_L32as_v3", "standardLASv3Family", 32, 0, false),
            sku("Standard_L48as_v3", "standardLASv3Family", 48, 0, false),
            sku("Standard_L64as_v3", "standardLASv3Family", 64, 0, false),
            sku("Standard_L80as_v3", "standardLASv3Family", 80, 0, false),
            sku("Standard_L8s_v2", "standardLSv2Family", 8, 0, false),
            sku("Standard_L16s_v2", "standardLSv2Family", 16, 0, false),
            sku("Standard_L32s_v2", "standardLSv2Family", 32, 0, false),
            sku("Standard_L48s_v2", "standardLSv2Family", 48, 0, false),
            sku("Standard_L64s_v2", "standardLSv2Family", 64, 0, false),
            sku("Standard_L80s_v2", "standardLSv2Family", 80, 0, false),
            sku("Standard_L8s_v3", "standardLSv3Family", 8, 0, false),
            sku("Standard_L16s_v3", "standardLSv3Family", 16, 0, false),
            sku("Standard_L32s_v3", "standardLSv3Family", 32, 0, false),
            sku("Standard_L48s_v3", "standardLSv3Family", 48, 0, false),
            sku("Standard_L64s_v3", "standardLSv3Family", 64, 0, false),
            sku("Standard_L80s_v3", "standardLSv3Family", 80, 0, false),
            sku("Standard_NC24ads_A100_v4", "standardNCADSA100v4Family", 24, 1, true),
            sku("Standard_NC48ads_A100_v4", "standardNCADSA100v4Family", 48, 2, true),
            sku("Standard_NC96ads_A100_v4", "standardNCADSA100v4Family", 96, 4, true),
            sku("Standard_NC4as_T4_v3", "standard NCASv3_T4 Family", 4, 1, false),
            sku("Standard_NC8as_T4_v3", "standard NCASv3_T4 Family", 8, 1, false),
            sku("Standard_NC16as_T4_v3", "standard NCASv3_T4 Family", 16, 1, false),
            sku("Standard_NC64as_T4_v3", "standard NCASv3_T4 Family", 64, 4, false),
            sku("Standard_NC6s_v2", "standardNCSv2Family", 6, 1, false),
            sku("Standard_NC12s_v2", "standardNCSv2Family", 12, 2, false),
            sku("Standard_NC24s_v2", "standardNCSv2Family", 24, 4, false),
            sku("Standard_NC6s_v3", "standardNCSv3Family", 6, 1, false),
            sku("Standard_NC12s_v3", "standardNCSv3Family", 12, 2, false),
            sku("Standard_NC24s_v3", "standardNCSv3Family", 24, 4, false),
            sku("Standard_NC40ads_H100_v5", "standardNCADSH100v5Family", 40, 1, true),
            sku("Standard_NC80adis_H100_v5", "standardNCADSH100v5Family", 80, 2, true),
            sku("Standard_ND96amsr_A100_v4", "standard NDAMSv4_A100Family", 96, 8, true),
            sku("Standard_ND96asr_v4", "standard NDASv4_A100 Family", 96, 8, true),
            sku("Standard_ND40rs_v2", "standardNDSv2Family", 40, 8, true),
            sku("Standard_ND96is_H100_v5", "standardNDv5H100Family", 96, 8, true),
            sku("Standard_ND96isr_H100_v5", "standardNDv5H100Family", 96, 8, true),
            sku("Standard_NV6ads_A10_v5", "standardNVADSA10v5Family", 6, 1.0 / 6, false),
            sku("Standard_NV12ads_A10_v5", "standardNVADSA10v5Family", 12, 1.0 / 3, false),
            sku("Standard_NV18ads_A10_v5", "standardNVADSA10v5Family", 18, 0.5, false),
            sku("Standard_NV36ads_A10_v5", "standardNVADSA10v5Family", 36, 1, false),
            sku("Standard_NV36adms_A10_v5", "standardNVADSA10v5Family", 36, 1, false),
            sku("Standard_NV72ads_A10_v5", "standardNVADSA10v5Family", 72, 2, false));

    /** The default instance type: 4 vCPUs and 14 GiB, enough for the SDK's server and a ResNet50. */
    public static final Sku DEFAULT = find("Standard_DS3_v2").orElseThrow();

    private AzureOnlineSkus() {
    }

    private static Sku sku(String name, String family, int vcpus, double gpus, boolean skipsReserve) {
        return new Sku(name, family, vcpus, gpus, skipsReserve);
    }

    /** @return every size of the list, in its order */
    public static List<Sku> catalog() {
        return CATALOG;
    }

    /**
     * @param name a size name in any letter case
     * @return the size, when managed online endpoints run on it
     */
    public static Optional<Sku> find(String name) {
        return CATALOG.stream().filter(s -> s.isNamed(name)).findFirst();
    }

    /**
     * @param name a size name in any letter case
     * @return the size
     * @throws ValidationException when managed online endpoints do not run on it, naming sizes of the list
     */
    static Sku require(String name) {
        return find(name).orElseThrow(() -> new ValidationException("instance type", name, "managed online "
                + "endpoints do not run on it; use a size of Learn's managed online endpoints SKU list, e.g. "
                + CATALOG.stream().filter(s -> s.family().equals("standardDSv2Family")
                        || s.family().equals("standardFSv2Family")).filter(s -> s.vcpus() >= 2 && s.vcpus() <= 8)
                        .map(Sku::name).collect(Collectors.joining(", "))
                + (AzureVmSizes.find(name).isPresent() ? " (" + name + " is a training size: endpoints have their own "
                        + "list, AzureOnlineSkus)" : "")));
    }
}
