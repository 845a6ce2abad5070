/**
 * The local training backend: {@link dev.modelbuilder.local.LocalProvider} (built by
 * {@link dev.modelbuilder.local.LocalProviderBuilder}) runs Model Builder's whole job on this machine's CPU and
 * delivers the same artifacts as the Azure backend. A run starts from a pretrained backbone, downloaded once into a
 * cache (transfer learning), or trains a small ResNet from scratch with DJL and PyTorch, fully offline;
 * {@link dev.modelbuilder.local.LocalTrainingOptions} chooses and tunes either.
 * {@link dev.modelbuilder.local.SampleDatasets} writes a small labelled image folder to try it on.
 *
 * <pre>{@code
 * Path data = SampleDatasets.shapes(Path.of("shapes"), 150, 42);
 * try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().build())) {
 *     mb.workspaces().define("local-ws").create();
 *     TrainingSpec spec = TrainingSpec.fromData(data)
 *             .withOptions(LocalTrainingOptions.builder().withImageSize(64).build()).build();
 *     TrainedModel model = mb.workspace("local-ws").runs().define(spec).inExperiment("shapes").beginCreate()
 *             .waitForModel(Duration.ofMinutes(15), Path.of("model"));
 * }
 * }</pre>
 *
 * <p>Everything under {@code dev.modelbuilder.local.implementation} is not public API: no other module may use it.
 */
package dev.modelbuilder.local;
