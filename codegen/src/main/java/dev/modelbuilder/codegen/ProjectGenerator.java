package dev.modelbuilder.codegen;

import com.palantir.javapoet.JavaFile;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Generates the starter projects for a trained model: {@code <Name>.Model} (a Maven jar with the model as
 * resources, {@code ModelInput}, {@code ModelOutput} and {@code ConsumeModel.predict}), {@code <Name>.ConsoleApp}
 * (predicts an image and prints every label's score; plus {@code PipelineBuilder}, which shows how MLModel.zip is
 * assembled) and, on demand, {@code <Name>.WebApi} (a Spring Boot service that serves the model over HTTP, with a
 * README and a Dockerfile), with a parent pom, a README, a .gitignore and a manifest of the files written.
 *
 * <pre>{@code
 * GeneratedProjects projects = ProjectGenerator.forModel(Path.of("model"))
 *         .withName("Flowers")
 *         .withSampleImage(Path.of("flowers/daisy/1.jpg"))
 *         .withWebApi(true)
 *         .generate(Path.of("flowers-app"));
 * }</pre>
 *
 * <p>The generator never writes outside the output folder and refuses a non-empty one unless
 * {@link #withOverwrite(boolean)} allows it.
 */
public final class ProjectGenerator {
    /** The manifest's path inside the output folder. */
    public static final String MANIFEST = ".modelbuilder/FILES";
    static final String PROJECT_VERSION = "1.0.0-SNAPSHOT";
    /** Copies at least this large report their progress in bytes. */
    static final long LONG_COPY_BYTES = 4L << 20;

    private final Path modelDirectory;
    private String rawName = "MLModel";
    private String groupId = ProjectName.DEFAULT_GROUP_ID;
    private Path sampleImage;
    private boolean overwrite;
    private boolean webApi;
    private ProgressListener listener = ProgressListener.none();
    private long longCopyBytes = LONG_COPY_BYTES;

    private ProjectGenerator(Path modelDirectory) {
        this.modelDirectory = Objects.requireNonNull(modelDirectory, "modelDirectory");
    }

    /**
     * @param modelDirectory a folder with bestModel.onnx, bestModelMap.json and MLModel.zip
     * @return a generator for that model
     */
    public static ProjectGenerator forModel(Path modelDirectory) {
        return new ProjectGenerator(modelDirectory);
    }

    /**
     * @param projectName the projects' name, e.g. {@code Flowers} (default {@code MLModel})
     * @return this generator
     */
    public ProjectGenerator withName(String projectName) {
        this.rawName = projectName;
        return this;
    }

    /**
     * @param mavenGroupId the Maven groupId and package prefix (default {@code com.example})
     * @return this generator
     */
    public ProjectGenerator withGroupId(String mavenGroupId) {
        this.groupId = mavenGroupId;
        return this;
    }

    /**
     * @param image an image bundled with the console app, predicted when it runs without an argument
     * @return this generator
     */
    public ProjectGenerator withSampleImage(Path image) {
        this.sampleImage = image;
        return this;
    }

    /**
     * @param generate whether to add {@code <Name>.WebApi}, a Spring Boot service that serves the model over HTTP
     *     ({@code POST /predict}, {@code POST /predict/batch}, {@code GET /health}, {@code GET /model}), to the
     *     parent project
     * @return this generator
     */
    public ProjectGenerator withWebApi(boolean generate) {
        this.webApi = generate;
        return this;
    }

    /**
     * @param allow whether to write into a non-empty folder, replacing files of the same names
     * @return this generator
     */
    public ProjectGenerator withOverwrite(boolean allow) {
        this.overwrite = allow;
        return this;
    }

    /**
     * @param progressListener told about each file written (bytes copied for the model files)
     * @return this generator
     */
    public ProjectGenerator withListener(ProgressListener progressListener) {
        this.listener = Objects.requireNonNull(progressListener, "progressListener");
        return this;
    }

    /** Test seam: copies at least this large report byte progress. */
    ProjectGenerator longCopyThreshold(long bytes) {
        this.longCopyBytes = bytes;
        return this;
    }

    /**
     * Writes the projects.
     *
     * @param outputDirectory the folder to write into (created when missing)
     * @return what was written
     * @throws ValidationException for an unusable name, a non-empty folder, or a missing sample image
     * @throws ModelLoadException when the model folder lacks an artifact or its MLModel.zip is invalid
     */
    public GeneratedProjects generate(Path outputDirectory) {
        ProjectName name = ProjectName.of(rawName, groupId);
        Path onnx = requireArtifact(TrainedModel.ONNX_FILE);
        Path labelFile = requireArtifact(TrainedModel.LABEL_MAP_FILE);
        Path zip = requireArtifact(TrainedModel.PIPELINE_FILE);
        ModelPackage pkg = ModelPackage.read(zip);
        LabelMap labels = LabelMap.read(labelFile);
        if (!labels.equals(pkg.labels())) {
            throw new ModelLoadException("bestModelMap.json " + labels.labels() + " differs from the labels in "
                    + "MLModel.zip " + pkg.labels().labels() + ": package the model again");
        }
        String sampleName = null;
        if (sampleImage != null) {
            if (!Files.isRegularFile(sampleImage)) {
                throw new ValidationException("sample image", sampleImage, "give an existing image file");
            }
            String ext = ImageFormat.byExtension(sampleImage.getFileName().toString())
                    .map(f -> sampleImage.getFileName().toString()
                            .substring(sampleImage.getFileName().toString().lastIndexOf('.') + 1)
                            .toLowerCase(Locale.ROOT))
                    .orElseThrow(() -> new ValidationException("sample image", sampleImage,
                            "use a JPEG, PNG, BMP or GIF file"));
            sampleName = "sample." + ext;
        }

        long start = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.GENERATE_PROJECTS));
        SdkInfo sdk = SdkInfo.load();
        String header = "Generated by Model Builder for Java " + sdk.version()
                + ". It is yours to edit; generating again overwrites it.";
        OutputFolder out = new OutputFolder(outputDirectory, overwrite);
        Map<String, String> values = templateValues(name, sdk, labels, pkg.pipeline(), header, sampleName != null);
        values.put("webApi", String.valueOf(webApi));
        boolean multiLabel = pkg.pipeline().isMultiLabel();
        values.put("multiLabel", String.valueOf(multiLabel));
        JavaSources java = new JavaSources(name, header, multiLabel);

        String model = name.modelFolder() + "/";
        String console = name.consoleFolder() + "/";
        String modelResources = model + "src/main/resources/" + name.modelPackage().replace('.', '/') + "/";
        String consoleResources = console + "src/main/resources/" + name.consolePackage().replace('.', '/') + "/";
        List<JavaFile> webSources = webApi ? new WebApiSources(name, header).all() : List.of();
        int steps = 13 + (sampleName == null ? 0 : 1) + (webApi ? 4 + webSources.size() : 0);
        FileSteps step = new FileSteps(steps);

        step.text(out, "pom.xml", Templates.render("parent-pom.xml.tmpl", values));
        step.text(out, "README.md", Templates.render("README.md.tmpl", values));
        step.text(out, ".gitignore", Templates.render("gitignore.tmpl", values));
        step.text(out, model + "pom.xml", Templates.render("model-pom.xml.tmpl", values));
        step.java(out, model, java.modelInput());
        step.java(out, model, java.modelOutput());
        step.java(out, model, java.consumeModel());
        step.copy(out, modelResources + TrainedModel.ONNX_FILE, onnx);
        step.copy(out, modelResources + TrainedModel.LABEL_MAP_FILE, labelFile);
        step.copy(out, modelResources + TrainedModel.PIPELINE_FILE, zip);
        step.text(out, console + "pom.xml", Templates.render("console-pom.xml.tmpl", values));
        step.java(out, console, java.program(sampleName));
        step.java(out, console, java.pipelineBuilder(pkg.pipeline()));
        if (sampleName != null) {
            step.copy(out, consoleResources + sampleName, sampleImage);
        }
        if (webApi) {
            String folder = name.webApiFolder() + "/";
            step.text(out, folder + "pom.xml", Templates.render("webapi-pom.xml.tmpl", values));
            step.text(out, folder + "README.md", Templates.render("webapi-README.md.tmpl", values));
            step.text(out, folder + "Dockerfile", Templates.render("webapi-Dockerfile.tmpl", values));
            step.text(out, folder + "src/main/resources/application.properties",
                    Templates.render("webapi-application.properties.tmpl", values));
            for (JavaFile source : webSources) {
                step.java(out, folder, source);
            }
        }

        List<String> files = out.written();
        String manifest = "# Files written by Model Builder for Java " + sdk.version() + "\n"
                + String.join("\n", files) + "\n";
        out.writeText(MANIFEST, manifest);
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.GENERATE_PROJECTS,
                Duration.ofNanos(System.nanoTime() - start)));
        return new GeneratedProjects(out.root(), out.root().resolve(name.modelFolder()),
                out.root().resolve(name.consoleFolder()),
                webApi ? Optional.of(out.root().resolve(name.webApiFolder())) : Optional.empty(), files,
                out.root().resolve(MANIFEST));
    }

    private Path requireArtifact(String file) {
        Path p = modelDirectory.resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new ModelLoadException("the model folder " + modelDirectory.toAbsolutePath() + " has no " + file
                    + ": give the folder a training run wrote (bestModel.onnx, bestModelMap.json, MLModel.zip)");
        }
        return p;
    }

    private static Map<String, String> templateValues(ProjectName name, SdkInfo sdk, LabelMap labels,
            PipelineSpec pipeline, String header, boolean hasSample) {
        Map<String, String> v = new HashMap<>();
        sdk.all().stringPropertyNames().forEach(k -> v.put(k, sdk.get(k)));
        v.put("header", Templates.xml(header));
        v.put("sdkVersion", sdk.version());
        v.put("projectVersion", PROJECT_VERSION);
        v.put("name", name.name());
        v.put("groupId", name.groupId());
        v.put("parentArtifactId", name.parentArtifactId());
        v.put("modelArtifactId", name.modelArtifactId());
        v.put("consoleArtifactId", name.consoleArtifactId());
        v.put("modelFolder", name.modelFolder());
        v.put("consoleFolder", name.consoleFolder());
        v.put("consolePackage", name.consolePackage());
        v.put("webApiFolder", name.webApiFolder());
        v.put("webApiArtifactId", name.webApiArtifactId());
        v.put("modelResourcePath", name.modelPackage().replace('.', '/'));
        v.put("labelCount", String.valueOf(labels.size()));
        v.put("labelList", labels.labels().stream().map(l -> "`" + l + "`").collect(Collectors.joining(", ")));
        v.put("sampleNote", hasSample ? "" : " (none was bundled: pass an image path)");
        v.put("preprocessing", describe(pipeline.preprocessing()));
        return v;
    }

    private static String describe(PreprocessingSpec p) {
        String geometry = p.geometry() == PreprocessingSpec.Geometry.SQUASH
                ? "resize to " + p.width() + "x" + p.height()
                : "resize the shorter side to " + p.resizeShorterSide() + ", centre-crop " + p.width() + "x"
                        + p.height();
        return geometry + (p.normalize() ? ", scale to [0, 1], normalize with the ImageNet mean and standard "
                + "deviation" : ", scale to [0, 1] (the model normalizes inside its graph)");
    }

    /** Writes files and reports each as a step of progress. */
    private final class FileSteps {
        private final int total;
        private int done;

        FileSteps(int total) {
            this.total = total;
        }

        void text(OutputFolder out, String relative, String content) {
            out.writeText(relative, content);
            advance(relative);
        }

        void java(OutputFolder out, String projectFolder, JavaFile file) {
            StringBuilder source = new StringBuilder();
            try {
                file.writeTo(source);
            } catch (IOException e) {
                throw new AssertionError("a StringBuilder does not fail", e);
            }
            String relative = projectFolder + "src/main/java/" + file.packageName().replace('.', '/') + "/"
                    + file.typeSpec().name() + ".java";
            text(out, relative, source.toString());
        }

        void copy(OutputFolder out, String relative, Path source) {
            long size;
            try {
                size = Files.size(source);
            } catch (IOException e) {
                throw new AssertionError("a StringBuilder does not fail", e);
            }
            // byte-level progress only where a copy takes long enough to watch
            out.copy(relative, source, size < longCopyBytes ? copied -> { } : copied -> ProgressListener.emit(
                    listener, new ProgressEvent.StepProgress(WorkStep.GENERATE_PROJECTS, copied, size, "bytes")));
            advance(relative);
        }

        private void advance(String relative) {
            done++;
            ProgressListener.emit(listener, new ProgressEvent.LogLine("generate", "wrote " + relative));
            ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.GENERATE_PROJECTS, done,
                    total, "files"));
        }
    }
}
