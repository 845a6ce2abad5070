package dev.modelbuilder.codegen;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Modifier;

/** The Java sources of the two projects, built as syntax trees with JavaPoet. */
final class JavaSources {
    private static final ClassName PREDICTION_ENGINE = ClassName.get("dev.modelbuilder.scoring", "PredictionEngine");
    private static final ClassName PREDICTION = ClassName.get("dev.modelbuilder.scoring", "Prediction");
    private static final ClassName MODEL_PACKAGE = ClassName.get("dev.modelbuilder.pipeline", "ModelPackage");
    private static final ClassName LABEL_MAP = ClassName.get("dev.modelbuilder.pipeline", "LabelMap");
    private static final ClassName PIPELINE_DEFINITION =
            ClassName.get("dev.modelbuilder.pipeline", "PipelineSpec");
    private static final ClassName PREPROCESSING_SPEC = ClassName.get("dev.modelbuilder.pipeline", "PreprocessingSpec");
    private static final ClassName OUTPUT_KIND = ClassName.get("dev.modelbuilder.pipeline", "OutputKind");
    private static final TypeName SCORES =
            ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class), ClassName.get(Double.class));

    private final ProjectName name;
    private final String header;
    private final ClassName modelInput;
    private final ClassName modelOutput;
    private final ClassName consumeModel;

    /** Whether the model is multi-label: its output carries the labels that passed their thresholds. */
    private final boolean multiLabel;

    JavaSources(ProjectName name, String header) {
        this(name, header, false);
    }

    JavaSources(ProjectName name, String header, boolean multiLabel) {
        this.multiLabel = multiLabel;
        this.name = name;
        this.header = header;
        this.modelInput = ClassName.get(name.modelPackage(), "ModelInput");
        this.modelOutput = ClassName.get(name.modelPackage(), "ModelOutput");
        this.consumeModel = ClassName.get(name.modelPackage(), "ConsumeModel");
    }

    private JavaFile file(String pkg, TypeSpec type) {
        return JavaFile.builder(pkg, type).addFileComment("$L", header).skipJavaLangImports(true).indent("    ")
                .build();
    }

    JavaFile modelInput() {
        TypeSpec type = TypeSpec.recordBuilder(modelInput)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The input of the $L model: an image file (JPEG, PNG, BMP or GIF).\n\n"
                        + "@param imagePath the image to classify\n", name.name())
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(ParameterSpec.builder(Path.class, "imagePath").build()).build())
                .build();
        return file(name.modelPackage(), type);
    }

    JavaFile modelOutput() {
        if (multiLabel) {
            TypeSpec type = TypeSpec.recordBuilder(modelOutput)
                    .addModifiers(Modifier.PUBLIC)
                    .addJavadoc("What the $L model predicted for one image. The model is multi-label: each label has "
                            + "its own probability, and every label at or above its threshold is predicted.\n\n"
                            + "@param predictedLabels the labels that passed their thresholds, in the model's label "
                            + "order (empty when none did)\n"
                            + "@param predictedLabel the most likely label\n"
                            + "@param score the probability of that label, in [0, 1]\n"
                            + "@param scores the probability of every label, in the model's label order\n",
                            name.name())
                    .recordConstructor(MethodSpec.constructorBuilder()
                            .addParameter(ParameterizedTypeName.get(ClassName.get(java.util.List.class),
                                    ClassName.get(String.class)), "predictedLabels")
                            .addParameter(String.class, "predictedLabel")
                            .addParameter(double.class, "score")
                            .addParameter(SCORES, "scores").build())
                    .build();
            return file(name.modelPackage(), type);
        }
        TypeSpec type = TypeSpec.recordBuilder(modelOutput)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("What the $L model predicted for one image.\n\n"
                        + "@param predictedLabel the most likely label\n"
                        + "@param score the probability of that label, in [0, 1]\n"
                        + "@param scores the probability of every label, in the model's label order\n", name.name())
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(String.class, "predictedLabel")
                        .addParameter(double.class, "score")
                        .addParameter(SCORES, "scores").build())
                .build();
        return file(name.modelPackage(), type);
    }

    JavaFile consumeModel() {
        TypeSpec holder = TypeSpec.classBuilder("EngineHolder")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Loaded on first use; the JVM's class initialisation makes this lazy and thread-safe.\n")
                .addField(FieldSpec.builder(PREDICTION_ENGINE, "ENGINE", Modifier.STATIC, Modifier.FINAL)
                        .initializer("load()").build())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .build();
        MethodSpec load = MethodSpec.methodBuilder("load")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(PREDICTION_ENGINE)
                .beginControlFlow("try ($T in = $T.class.getResourceAsStream($S))", InputStream.class, consumeModel,
                        "MLModel.zip")
                .beginControlFlow("if (in == null)")
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        "MLModel.zip is missing from the classpath next to ConsumeModel")
                .endControlFlow()
                .addStatement("$T engine = $T.fromPackage(in)", PREDICTION_ENGINE, PREDICTION_ENGINE)
                .addStatement("$T.getRuntime().addShutdownHook(new $T(engine::close, $S))", Runtime.class,
                        Thread.class, "close-" + name.artifactBase() + "-model")
                .addStatement("return engine")
                .nextControlFlow("catch ($T e)", IOException.class)
                .addStatement("throw new $T($S, e)", UncheckedIOException.class, "cannot read MLModel.zip")
                .endControlFlow()
                .build();
        MethodSpec predict = MethodSpec.methodBuilder("predict")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Predicts the label of one image. Thread-safe; the first call loads the model.\n\n"
                        + "@param input the image\n@return the predicted label and the score of every label\n")
                .returns(modelOutput)
                .addParameter(modelInput, "input")
                .addStatement("$T prediction = EngineHolder.ENGINE.predict(input.imagePath())", PREDICTION)
                .addStatement(multiLabel ? "return new $T(prediction.labels(), prediction.label(), prediction.score(), "
                        + "prediction.scores())" : "return new $T(prediction.label(), prediction.score(), "
                        + "prediction.scores())", modelOutput)
                .build();
        MethodSpec labels = MethodSpec.methodBuilder("labels")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("@return the model's labels in class-index order\n")
                .returns(ParameterizedTypeName.get(ClassName.get(java.util.List.class), ClassName.get(String.class)))
                .addStatement("return EngineHolder.ENGINE.labels().labels()")
                .build();
        TypeSpec type = TypeSpec.classBuilder(consumeModel)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Predicts with the $L model. One prediction engine per process, created on first use "
                        + "from the MLModel.zip resource.\n", name.name())
                .addType(holder)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(predict)
                .addMethod(labels)
                .addMethod(load)
                .build();
        return file(name.modelPackage(), type);
    }

    JavaFile program(String sampleResource) {
        MethodSpec.Builder main = MethodSpec.methodBuilder("main")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Predicts one image and prints its label and the score of every label.\n\n"
                        + "@param args the image to classify$L\n@throws $T when the sample image cannot be read\n",
                        sampleResource == null ? "" : " (the bundled sample when none is given)", IOException.class)
                .addParameter(String[].class, "args")
                .varargs()
                .addException(IOException.class);
        if (sampleResource == null) {
            main.beginControlFlow("if (args.length == 0)")
                    .addStatement("System.err.println($S)", "usage: " + name.consoleArtifactId() + " IMAGE")
                    .addStatement("System.exit(2)")
                    .endControlFlow()
                    .addStatement("$T image = $T.of(args[0])", Path.class, Path.class);
        } else {
            main.addStatement("$T image = args.length > 0 ? $T.of(args[0]) : sample()", Path.class, Path.class);
        }
        main.addStatement("$T output = $T.predict(new $T(image))", modelOutput, consumeModel, modelInput)
                .addStatement("System.out.println($S + image)", "Image: ");
        if (multiLabel) {
            main.addStatement("System.out.println($S + output.predictedLabels())", "Predicted labels: ");
        }
        main.addStatement("System.out.println($S + output.predictedLabel())", multiLabel ? "Most likely label: "
                        : "Predicted label: ")
                .addStatement("System.out.println($S + output.score())", "Score: ")
                .addStatement("System.out.println($S)", "Scores:")
                .beginControlFlow("for ($T<$T, $T> entry : output.scores().entrySet())", Map.Entry.class,
                        String.class, Double.class)
                .addStatement("System.out.println($S + entry.getKey() + $S + entry.getValue())", "  ", ": ")
                .endControlFlow();
        TypeSpec.Builder type = TypeSpec.classBuilder("Program")
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Predicts the label of an image with the $L model.\n", name.name())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(main.build());
        if (sampleResource != null) {
            String suffix = sampleResource.substring(sampleResource.lastIndexOf('.'));
            type.addMethod(MethodSpec.methodBuilder("sample")
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .returns(Path.class)
                    .addException(IOException.class)
                    .addStatement("$T file = $T.createTempFile($S, $S)", Path.class, Files.class, "sample-", suffix)
                    .addStatement("file.toFile().deleteOnExit()")
                    .beginControlFlow("try ($T in = Program.class.getResourceAsStream($S))", InputStream.class,
                            sampleResource)
                    .beginControlFlow("if (in == null)")
                    .addStatement("throw new $T($S)", IllegalStateException.class,
                            "the sample image " + sampleResource + " is missing from the classpath")
                    .endControlFlow()
                    .addStatement("$T.copy(in, file, $T.REPLACE_EXISTING)", Files.class,
                            StandardCopyOption.class)
                    .endControlFlow()
                    .addStatement("return file")
                    .build());
        }
        return file(name.consolePackage(), type.build());
    }

    JavaFile pipelineBuilder(PipelineSpec pipeline) {
        MethodSpec resource = MethodSpec.methodBuilder("resource")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(InputStream.class)
                .addParameter(String.class, "name")
                .addStatement("$T in = $T.class.getResourceAsStream(name)", InputStream.class, consumeModel)
                .beginControlFlow("if (in == null)")
                .addStatement("throw new $T(name + $S)", IllegalStateException.class,
                        " is missing from the model project's resources")
                .endControlFlow()
                .addStatement("return in")
                .build();
        MethodSpec main = MethodSpec.methodBuilder("main")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Writes MLModel.zip from the model project's bestModel.onnx and bestModelMap.json.\n\n"
                        + "@param args the zip file to write (default {@code MLModel.zip})\n"
                        + "@throws $T when a file cannot be read or written\n", IOException.class)
                .addParameter(String[].class, "args")
                .varargs()
                .addException(IOException.class)
                .addStatement("$T output = $T.of(args.length > 0 ? args[0] : $S)", Path.class, Path.class,
                        "MLModel.zip")
                .addStatement("$T onnx = $T.createTempFile($S, $S)", Path.class, Files.class, "bestModel", ".onnx")
                .beginControlFlow("try")
                .beginControlFlow("try ($T in = resource($S))", InputStream.class, "bestModel.onnx")
                .addStatement("$T.copy(in, onnx, $T.REPLACE_EXISTING)", Files.class, StandardCopyOption.class)
                .endControlFlow()
                .addStatement("$T labels", LABEL_MAP)
                .beginControlFlow("try ($T in = resource($S))", InputStream.class, "bestModelMap.json")
                .addStatement("labels = $T.parse(new $T(in.readAllBytes(), $T.UTF_8))", LABEL_MAP, String.class,
                        StandardCharsets.class)
                .endControlFlow()
                .addCode("// the preprocessing the model was trained with: it must not change\n")
                .addStatement("$T pipeline = $T.of($L)\n.withInputName($S)\n.withOutputName($S)\n"
                        + ".withOutputKind($T.$L)$L", PIPELINE_DEFINITION, PIPELINE_DEFINITION,
                        preprocessing(pipeline.preprocessing()), pipeline.inputName(), pipeline.outputName(),
                        OUTPUT_KIND, pipeline.outputKind().name(), multiLabel(pipeline))
                .addStatement("$T.write(output, onnx, labels, pipeline)", MODEL_PACKAGE)
                .addStatement("System.out.println($S + output.toAbsolutePath())", "Wrote ")
                .nextControlFlow("finally")
                .addStatement("$T.deleteIfExists(onnx)", Files.class)
                .endControlFlow()
                .build();
        TypeSpec type = TypeSpec.classBuilder("PipelineBuilder")
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc("Shows how the scoring pipeline is built: assembles MLModel.zip (preprocessing + ONNX model"
                        + " + label map) from bestModel.onnx and bestModelMap.json with the SDK.\n")
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(main)
                .addMethod(resource)
                .build();
        return file(name.consolePackage(), type);
    }

    /** The multi-label part of the pipeline: a sigmoid per label and its thresholds; nothing for a single-label one. */
    private static CodeBlock multiLabel(PipelineSpec pipeline) {
        if (!pipeline.isMultiLabel()) {
            return CodeBlock.of("");
        }
        CodeBlock.Builder perLabel = CodeBlock.builder();
        if (pipeline.labelThresholds().isEmpty()) {
            perLabel.add("$T.of()", Map.class);
        } else {
            perLabel.add("$T.of(", Map.class);
            boolean first = true;
            for (Map.Entry<String, Double> e : new java.util.TreeMap<>(pipeline.labelThresholds()).entrySet()) {
                perLabel.add(first ? "$S, $L" : ", $S, $L", e.getKey(), e.getValue());
                first = false;
            }
            perLabel.add(")");
        }
        return CodeBlock.of("\n.withMultiLabel($L, $L)", pipeline.threshold(), perLabel.build());
    }

    private static CodeBlock preprocessing(PreprocessingSpec spec) {
        CodeBlock.Builder b = CodeBlock.builder();
        if (spec.geometry() == PreprocessingSpec.Geometry.SQUASH) {
            b.add("$T.squash($L, $L)", PREPROCESSING_SPEC, spec.width(), spec.height());
        } else {
            b.add("$T.resizeCrop($L, $L, $L)", PREPROCESSING_SPEC, spec.resizeShorterSide(), spec.width(),
                    spec.height());
        }
        if (spec.normalize()) {
            b.add("\n.withNormalization(new float[] {$L}, new float[] {$L})", floats(spec.mean()), floats(spec.std()));
        } else {
            b.add("\n.withoutNormalization()");
        }
        return b.build();
    }

    private static String floats(float[] values) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%sf", Float.toString(values[i])));
        }
        return s.toString();
    }
}
