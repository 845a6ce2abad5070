/**
 * The fluent entry point of the SDK. {@link dev.modelbuilder.core.ModelBuilder} wraps a provider (Azure Machine
 * Learning, this machine) and manages every resource with the same verbs: {@code define(name)...create()} (or
 * {@code beginCreate()} for the long-running operation), {@code get}, {@code list}, {@code delete}/{@code beginDelete}
 * and {@code resume(token)}. Every call validates its input before the provider is asked anything.
 *
 * <pre>{@code
 * try (ModelBuilder mb = ModelBuilder.using(provider)) {
 *     mb.workspaces().define("vision-ws").withRegion("eastus").withResourceGroup("ml-rg").create();
 *     WorkspaceScope ws = mb.workspace("vision-ws");
 *     TrainingRun run = ws.runs().define(TrainingSpec.fromData(Path.of("flowers")).build())
 *             .inExperiment("flowers").beginCreate();
 *     TrainedModel model = run.waitForModel(Duration.ofHours(1), Path.of("model"));
 * }
 * }</pre>
 */
package dev.modelbuilder.core;
