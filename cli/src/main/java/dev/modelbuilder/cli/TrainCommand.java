package dev.modelbuilder.cli;

import dev.modelbuilder.core.ComputeDefinition;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.azure.AzureTrainingOptions;
import dev.modelbuilder.azure.AzureTrainingOptionsBuilder;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingOptions;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.TrainingSpecBuilder;
import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.LocalTrainingOptionsBuilder;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.local.LocalProvider;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelbuilder train}: validates a dataset, trains, and writes the model. */
@Command(name = "train", mixinStandardHelpOptions = true,
        header = "Train an image classifier on a folder of labelled images",
        description = "Train an image classifier on a folder with one sub-folder of images per label, and write "
                + "bestModel.onnx, bestModelMap.json and MLModel.zip.")
final class TrainCommand implements Callable<Integer> {
    static final String DEFAULT_LOCAL_WORKSPACE = "default";

    @Spec
    CommandSpec spec;

    @Mixin
    BackendArguments backend;

    @Option(names = "--data", required = true, paramLabel = "DIR|FILE",
            description = "The dataset: a folder with one sub-folder per label, or a labels file (.jsonl: Azure ML's "
                    + "image_url and label; .csv: header image,labels, labels separated by ';') whose image paths "
                    + "are relative to its folder.")
    Path data;

    @Option(names = "--multi-label", description = "Train a multi-label model: any number of labels per image (a "
            + "sigmoid per label; Azure: ImageClassificationMultilabel). A labels file with several labels in a row "
            + "needs it.")
    boolean multiLabel;

    @Option(names = "--experiment", required = true, paramLabel = "NAME",
            description = "Experiment to run in: an existing name adds a run to it, a new name creates it.")
    String experiment;

    @Option(names = "--workspace", paramLabel = "NAME",
            description = "Workspace (local default: " + DEFAULT_LOCAL_WORKSPACE + "; required on Azure).")
    String workspace;

    @Option(names = "--compute", paramLabel = "NAME",
            description = "Compute to train on (local default: local-cpu; required on Azure).")
    String compute;

    @Option(names = "--size", paramLabel = "SIZE",
            description = "Azure: create the compute with this VM size when it does not exist.")
    String size;

    @Option(names = "--max-nodes", defaultValue = "1", description = "Azure: nodes of a compute created here.")
    int maxNodes;

    @Option(names = "--time-budget", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Most training time, e.g. 10m (default: the backend's).")
    Duration timeBudget;

    @Option(names = "--epochs", paramLabel = "N", description = "Most epochs (default: the backend's).")
    Integer epochs;

    @Option(names = "--validation-split", defaultValue = "0.2", description = "Share held out (default 0.2).")
    double validationSplit;

    @Option(names = "--architecture", paramLabel = "NAME", description = "Network (Azure default resnet50).")
    String architecture;

    @Option(names = "--auto-mode", description = "Azure: let AutoML choose architectures and hyper-parameters over "
            + "the trials (AutoMode) instead of training one architecture.")
    boolean autoMode;

    @Option(names = "--max-trials", paramLabel = "N", description = "Most trials (default 1). Several trials of one "
            + "--architecture are a hyper-parameter sweep of it; with --auto-mode, AutoML's own choices.")
    Integer maxTrials;

    @Option(names = "--search-space", paramLabel = "FILE.json",
            description = "Azure: the sweep's search space, a JSON object of ImageModelDistributionSettingsClassification "
                    + "fields and expressions, e.g. {\"learningRate\": \"uniform(0.0001, 0.01)\"}; replaces the default "
                    + "ranges; needs --architecture and --max-trials 2 or more.")
    Path searchSpace;

    @Option(names = "--backbone", paramLabel = "NAME|FILE.onnx",
            description = "Local: start from a pretrained ImageNet classifier (mobilenetv2, resnet50, resnet18, or an"
                    + " ONNX file) and train only a new head; 'none' trains from scratch. Default: mobilenetv2 when it"
                    + " is cached or can be downloaded, else from scratch (from scratch when --architecture is given).")
    String backbone;

    @Option(names = "--preprocess", paramLabel = "GEOMETRY",
            description = "With --backbone: resize-crop or squash (default: the backbone's own; resize-crop for a file).")
    String preprocess;

    @Option(names = "--no-normalize",
            description = "With --backbone: feed values scaled to [0, 1] without ImageNet mean/std.")
    boolean noNormalize;

    @Option(names = "--timeout", defaultValue = "24h", converter = DurationConverter.class,
            description = "Longest wait for the run (default 24h); the run goes on after it.")
    Duration timeout;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Folder for the model files (created if needed; not inside the dataset).")
    Path output;

    @Option(names = "--overwrite", description = "Replace model files already in the output folder.")
    boolean overwrite;

    @Option(names = "--yes", description = "Do not ask before creating billable Azure resources.")
    boolean yes;

    @Option(names = "--json", description = "Print the result as JSON (progress goes to standard error).")
    boolean json;

    /** The local backend's options; the Azure-only ones are refused, naming the option. */
    private LocalTrainingOptions localOptions() {
        refuseFor("local", "--auto-mode", autoMode ? "true" : null, "--max-trials", maxTrials, "--search-space",
                searchSpace);
        LocalTrainingOptionsBuilder b = LocalTrainingOptions.builder();
        if (backbone != null) {
            b.withBackbone(backbone);
        }
        if (architecture != null) {
            b.withArchitecture(architecture);
        }
        if (epochs != null) {
            b.withMaxEpochs(epochs);
        }
        if (preprocess != null) {
            b.withPreprocess(PreprocessingSpec.Geometry.fromId(preprocess));
        }
        if (noNormalize) {
            b.withNormalize(false);
        }
        return b.build();
    }

    /** Azure's options; the local-only ones are refused, naming the option. */
    private AzureTrainingOptions azureOptions() {
        refuseFor("azure", "--backbone", backbone, "--preprocess", preprocess, "--no-normalize",
                noNormalize ? "true" : null);
        if (autoMode && architecture != null) {
            throw new ValidationException("--auto-mode", architecture,
                    "AutoMode chooses the architectures itself; drop --architecture, or drop --auto-mode to "
                    + "train that architecture");
        }
        AzureTrainingOptionsBuilder b = AzureTrainingOptions.builder();
        if (architecture != null) {
            b.withModel(architecture);
        }
        if (autoMode) {
            b.withAutoMode();
        }
        if (maxTrials != null) {
            b.withMaxTrials(maxTrials);
        }
        if (epochs != null) {
            b.withEpochs(epochs);
        }
        if (searchSpace != null) {
            b.withSearchSpace(searchSpace);
        }
        return b.build();
    }

    /** Refuses options given for the other backend: pairs of option name and value (null when not given). */
    private static void refuseFor(String backendName, Object... optionsAndValues) {
        for (int i = 0; i < optionsAndValues.length; i += 2) {
            if (optionsAndValues[i + 1] != null) {
                throw new ValidationException(String.valueOf(optionsAndValues[i]), optionsAndValues[i + 1],
                        "it does not apply to --backend " + backendName + "; drop it");
            }
        }
    }

    @Override
    public Integer call() {
        // the backend's own options first: a wrong one is bad input, found before any work
        TrainingOptions options = backend.isAzure() ? azureOptions() : localOptions();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progressOut = json ? spec.commandLine().getErr() : out;
        Path target = OutputFolder.validate(output, data, overwrite);
        ModelBuilderProvider provider = backend.open();
        try (ModelBuilder mb = ModelBuilder.using(provider);
                ProgressRenderer progress = new ProgressRenderer(progressOut, !json && ProgressRenderer.isTerminal());
                TrainingInterrupt interrupt = new TrainingInterrupt()) {
            String ws = workspace(mb);
            String computeName = compute(mb.workspace(ws));
            TrainingSpecBuilder training = TrainingSpec.fromData(data).withValidationSplit(validationSplit)
                    .withCompute(computeName).withOptions(options);
            if (multiLabel) {
                training.withMultiLabel();
            }
            if (timeBudget != null) {
                training.withTimeBudget(timeBudget);
            }
            TrainingRun run = mb.workspace(ws).runs().define(training.build()).inExperiment(experiment)
                    .withListener(progress).beginCreate();
            progressOut.println("Run " + run.id() + " in experiment " + experiment
                    + run.snapshot().portalLink().map(l -> "\n  portal: " + l).orElse("")
                    + "\n  re-attach with: modelbuilder runs watch --backend " + backend.backend + " --workspace " + ws
                    + " " + run.id());
            progressOut.flush();
            interrupt.onInterrupt(() -> {
                progress.mute();
                run.cancel();
            });
            Run ended = run.waitForCompletion(timeout);
            if (interrupt.fired()) {
                reportInterrupted(provider, ws, run, ended, progressOut, target);
                return interrupt.exitCode();
            }
            if (!ended.status().equals(RunStatus.COMPLETED)) {
                throw ended.toFailure();
            }
            TrainedModel model = run.downloadModel(target);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("run", Views.run(ended));
                m.put("model", Views.model(model));
                out.println(Json.line(m));
            } else {
                out.println("Model written to " + model.directory().toAbsolutePath());
                out.println("  labels:  " + Printable.of(model.labels()));
                out.println("  metrics: " + new java.util.TreeMap<>(ended.metrics()));
                out.println("  files:   " + model.onnxModel().getFileName() + ", " + model.labelMap().getFileName()
                        + ", " + model.pipeline().getFileName());
            }
            out.flush();
        }
        return ModelBuilderCli.OK;
    }

    /**
     * After Ctrl-C or SIGTERM stopped the run: writes its best checkpoint (local runs keep one once an epoch was
     * validated) into the output folder, and says what happened in one line.
     */
    private static void reportInterrupted(ModelBuilderProvider provider, String ws, TrainingRun run, Run ended,
            PrintWriter out, Path target) {
        String line = "Interrupted: run " + run.id() + " " + ended.status();
        try {
            if (ended.status().equals(RunStatus.COMPLETED)) {
                line += "; it had finished: its model was written to " + run.downloadModel(target).directory();
            } else if (provider instanceof LocalProvider local) {
                try {
                    TrainedModel model = local.exportCheckpoint(ws, run.id(), target);
                    Double best = ended.metrics().get("best_epoch");
                    line += "; best checkpoint" + (best == null ? "" : " (epoch " + best.intValue() + ")")
                            + " written to " + model.directory();
                } catch (dev.modelbuilder.core.exception.InvalidStateException noCheckpoint) {
                    line += "; no checkpoint to keep (no epoch had been validated)";
                }
            }
        } catch (RuntimeException e) {
            line += "; its model could not be written: " + e.getMessage();
        }
        out.println(line);
        out.flush();
    }

    private String workspace(ModelBuilder mb) {
        if (!backend.isAzure()) {
            String ws = workspace == null ? DEFAULT_LOCAL_WORKSPACE : workspace;
            mb.workspaces().define(ws).create();
            return ws;
        }
        if (workspace == null) {
            throw new ValidationException("--workspace", null, "give the Azure ML workspace to train in "
                    + "(create one with 'modelbuilder workspace create')");
        }
        try {
            mb.workspaces().get(workspace);
        } catch (ResourceNotFoundException e) {
            if (backend.region == null) {
                throw e;
            }
            Confirmation.require("Workspace '" + workspace + "' does not exist. "
                    + Confirmation.workspaceCost(workspace, backend.region, backend.resourceGroup), yes,
                    spec.commandLine().getErr());
            mb.workspaces().define(workspace).withRegion(backend.region).withResourceGroup(backend.resourceGroup)
                    .create();
        }
        return workspace;
    }

    private String compute(WorkspaceScope ws) {
        if (!backend.isAzure()) {
            String name = compute == null ? LocalProvider.CPU_COMPUTE : compute;
            ws.computes().define(name).withSize(ws.computes().availableSizes().get(0)).create();
            return name;
        }
        if (compute == null) {
            throw new ValidationException("--compute", null, "give the GPU compute to train on (add --size to "
                    + "create it, e.g. --size Standard_NC4as_T4_v3)");
        }
        try {
            ws.computes().get(compute);
        } catch (ResourceNotFoundException e) {
            if (size == null) {
                throw e;
            }
            ComputeDefinition definition = ws.computes().define(compute).withSize(size).withMaxNodes(maxNodes);
            ComputeSpec validated = definition.toSpec();
            Confirmation.require(Confirmation.computeCost(ws.name(), validated), yes, spec.commandLine().getErr());
            definition.create();
        }
        return compute;
    }
}
