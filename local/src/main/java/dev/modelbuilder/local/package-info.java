/**
 * The local training backend: {@link dev.modelbuilder.local.LocalProvider} runs Model Builder's whole job on this
 * machine's CPU (DJL and PyTorch, fully offline) and delivers the same artifacts as the Azure backend;
 * {@link dev.modelbuilder.local.SampleDatasets} writes a small labelled image folder to try it on.
 *
 * <pre>{@code
 * Path data = SampleDatasets.shapes(Path.of("shapes"), 150, 42);
 * try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().build())) {
 *     mb.workspaces().define("local-ws").create();
 *     TrainedModel model = mb.workspace("local-ws").experiments().getOrCreate("shapes")
 *             .submit(ImageClassificationTraining.fromFolder(data).withImageSize(64).build())
 *             .waitForModel(Duration.ofMinutes(15), Path.of("model"));
 * }
 * }</pre>
 */
package dev.modelbuilder.local;
