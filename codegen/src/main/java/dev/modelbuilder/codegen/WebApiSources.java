package dev.modelbuilder.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.lang.model.element.Modifier;

/** The Java sources of the Spring Boot Web API project, built as syntax trees with JavaPoet. */
final class WebApiSources {
    private static final String BOOT = "org.springframework.boot";
    static final String WEB = "org.springframework.web.bind.annotation";
    static final ClassName PREDICTION_ENGINE = ClassName.get("dev.modelbuilder.scoring", "PredictionEngine");
    private static final ClassName PREDICTION = ClassName.get("dev.modelbuilder.scoring", "Prediction");
    private static final ClassName IMAGE_DECODER = ClassName.get("dev.modelbuilder.pipeline", "ImageDecoder");
    private static final ClassName RGB_IMAGE = ClassName.get("dev.modelbuilder.pipeline", "RgbImage");
    private static final ClassName SCORING_EXCEPTION =
            ClassName.get("dev.modelbuilder.core.exception", "ScoringException");
    static final ClassName LOGGER = ClassName.get("org.slf4j", "Logger");
    private static final ClassName LOGGER_FACTORY = ClassName.get("org.slf4j", "LoggerFactory");
    static final ClassName VALUE = ClassName.get("org.springframework.beans.factory.annotation", "Value");
    static final ClassName DATA_SIZE = ClassName.get("org.springframework.util.unit", "DataSize");
    static final ClassName MEDIA_TYPE = ClassName.get("org.springframework.http", "MediaType");
    static final ClassName RESPONSE_ENTITY = ClassName.get("org.springframework.http", "ResponseEntity");
    static final ClassName HTTP_STATUS = ClassName.get("org.springframework.http", "HttpStatus");
    static final ClassName MULTIPART_FILE = ClassName.get("org.springframework.web.multipart",
            "MultipartFile");
    private static final TypeName SCORES =
            ParameterizedTypeName.get(ClassName.get(Map.class), ClassName.get(String.class), ClassName.get(Double.class));
    private static final TypeName STRINGS = ParameterizedTypeName.get(List.class, String.class);

    final ProjectName name;
    private final String header;
    final String pkg;
    private final ClassName consumeModel;
    final ClassName modelHost;
    final ClassName apiException;
    final ClassName apiError;
    final ClassName predictionResult;
    final ClassName modelInfo;
    private final ClassName inputSize;
    final ClassName health;

    /** Whether the model is multi-label: answers carry the labels that passed, not one label. */
    private final boolean multiLabel;

    WebApiSources(ProjectName name, String header) {
        this(name, header, false);
    }

    WebApiSources(ProjectName name, String header, boolean multiLabel) {
        this.multiLabel = multiLabel;
        this.name = name;
        this.header = header;
        this.pkg = name.webApiPackage();
        this.consumeModel = ClassName.get(name.modelPackage(), "ConsumeModel");
        this.modelHost = ClassName.get(pkg, "ModelHost");
        this.apiException = ClassName.get(pkg, "ApiException");
        this.apiError = ClassName.get(pkg, "ApiError");
        this.predictionResult = ClassName.get(pkg, "PredictionResult");
        this.modelInfo = ClassName.get(pkg, "ModelInfo");
        this.inputSize = modelInfo.nestedClass("InputSize");
        this.health = ClassName.get(pkg, "Health");
    }

    /** Every source file of the project. */
    List<JavaFile> all() {
        WebApiEndpoints endpoints = new WebApiEndpoints(this);
        return List.of(application(), modelHost(), endpoints.controller(), endpoints.apiErrors(), apiException(),
                apiError(), predictionResult(), modelInfo(), health());
    }

    JavaFile file(TypeSpec type) {
        return JavaFile.builder(pkg, type).addFileComment("$L", header).skipJavaLangImports(true).indent("    ")
                .build();
    }

    static AnnotationSpec annotation(String packageName, String simpleName) {
        return AnnotationSpec.builder(ClassName.get(packageName, simpleName)).build();
    }

    static AnnotationSpec value(String expression) {
        return AnnotationSpec.builder(VALUE).addMember("value", "$S", expression).build();
    }

    static FieldSpec logger(ClassName owner) {
        return FieldSpec.builder(LOGGER, "LOG", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.getLogger($T.class)", LOGGER_FACTORY, owner).build();
    }

    JavaFile application() {
        ClassName self = ClassName.get(pkg, "WebApiApplication");
        TypeSpec type = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(BOOT + ".autoconfigure", "SpringBootApplication"))
                        .addMember("proxyBeanMethods", "false").build())
                .addJavadoc("Serves the $L model over HTTP: {@code POST /predict}, {@code POST /predict/batch}, "
                        + "{@code GET /health} and {@code GET /model}.\nThe port comes from {@code PORT} (default "
                        + "8080) unless {@code server.port} is set; see application.properties.\n", name.name())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build())
                .addMethod(MethodSpec.methodBuilder("main")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .addJavadoc("Starts the service.\n\n@param args Spring Boot options, e.g. "
                                + "{@code --server.port=9000}\n")
                        .addParameter(String[].class, "args")
                        .varargs()
                        .addStatement("$T.run($T.class, args)", ClassName.get(BOOT, "SpringApplication"), self)
                        .build())
                .build();
        return file(type);
    }

    JavaFile modelHost() {
        ClassName loaded = modelHost.nestedClass("Loaded");
        TypeSpec loadedType = TypeSpec.recordBuilder(loaded)
                .addModifiers(Modifier.PRIVATE)
                .addJavadoc("The engine and the SHA-256 of the MLModel.zip it was loaded from.\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(PREDICTION_ENGINE, "engine").addParameter(String.class, "sha256").build())
                .build();
        TypeName future = ParameterizedTypeName.get(ClassName.get(CompletableFuture.class), loaded);
        String threadName = "load-" + name.artifactBase() + "-model";
        MethodSpec constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Starts loading the model in the background, so that the service answers "
                        + "{@code /health} at once.\n")
                .addStatement("this.loading = $T.supplyAsync($T::load, $T::startLoader)", CompletableFuture.class,
                        modelHost, modelHost)
                .build();
        MethodSpec startLoader = MethodSpec.methodBuilder("startLoader")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(Runnable.class, "task")
                .addStatement("$T thread = new $T(task, $S)", Thread.class, Thread.class, threadName)
                .addStatement("thread.setDaemon(true)")
                .addStatement("thread.start()")
                .build();
        MethodSpec load = MethodSpec.methodBuilder("load")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(loaded)
                .addStatement("long start = System.nanoTime()")
                .beginControlFlow("try ($T in = $T.class.getResourceAsStream($S))", InputStream.class, consumeModel,
                        "MLModel.zip")
                .beginControlFlow("if (in == null)")
                .addStatement("throw new $T($S)", IllegalStateException.class,
                        "MLModel.zip is missing from the classpath next to ConsumeModel")
                .endControlFlow()
                .addStatement("byte[] zip = in.readAllBytes()")
                .addStatement("$T sha256 = $T.of().formatHex($T.getInstance($S).digest(zip))", String.class,
                        HexFormat.class, MessageDigest.class, "SHA-256")
                .addStatement("$T engine = $T.fromPackage(new $T(zip))", PREDICTION_ENGINE, PREDICTION_ENGINE,
                        ByteArrayInputStream.class)
                .addStatement("long millis = (System.nanoTime() - start) / 1_000_000")
                .addStatement("LOG.info($S, sha256, millis)",
                        "Loaded the " + name.name() + " model (MLModel.zip, SHA-256 {}) in {} ms")
                .addStatement("return new $T(engine, sha256)", loaded)
                .nextControlFlow("catch ($T e)", IOException.class)
                .addStatement("throw new $T($S, e)", UncheckedIOException.class, "cannot read MLModel.zip")
                .nextControlFlow("catch ($T e)", NoSuchAlgorithmException.class)
                .addStatement("throw new $T($S, e)", IllegalStateException.class, "this JVM has no SHA-256")
                .endControlFlow()
                .build();
        MethodSpec loadedOrFail = MethodSpec.methodBuilder("loaded")
                .addModifiers(Modifier.PRIVATE)
                .returns(loaded)
                .beginControlFlow("if (!loading.isDone())")
                .addStatement("throw new $T(503, $S, $S)", apiException, "model_loading",
                        "the model is still loading: retry in a moment")
                .endControlFlow()
                .beginControlFlow("try")
                .addStatement("return loading.join()")
                .nextControlFlow("catch ($T e)", CompletionException.class)
                .addStatement("throw new $T(503, $S, $S)", apiException, "model_failed",
                        "the model could not be loaded: the server log says why")
                .endControlFlow()
                .build();
        MethodSpec predict = MethodSpec.methodBuilder("predict")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Predicts one encoded image.\n\n"
                        + "@param image the bytes of a JPEG, PNG, BMP or GIF image\n"
                        + "@param source what to call the image in an error message\n"
                        + "@param top how many of the best scores to answer, or {@code null} for every label in "
                        + "the model's order\n"
                        + "@return the predicted label and the scores\n"
                        + "@throws $T 400 when the data is not an image or a corrupt one, 503 while the model "
                        + "loads\n", apiException)
                .returns(predictionResult)
                .addParameter(byte[].class, "image")
                .addParameter(String.class, "source")
                .addParameter(Integer.class, "top")
                .beginControlFlow("if (image.length == 0)")
                .addStatement("throw new $T(400, $S, source + $S)", apiException, "empty_image",
                        " is empty: send a JPEG, PNG, BMP or GIF image")
                .endControlFlow()
                .beginControlFlow("if (!looksLikeAnImage(image))")
                .addStatement("throw new $T(400, $S, source + $S)", apiException, "not_an_image",
                        " is not a JPEG, PNG, BMP or GIF image")
                .endControlFlow()
                .addStatement("$T engine = loaded().engine()", PREDICTION_ENGINE)
                .addStatement("$T decoded", RGB_IMAGE)
                .beginControlFlow("try")
                .addStatement("decoded = $T.decode(image)", IMAGE_DECODER)
                .nextControlFlow("catch ($T e)", SCORING_EXCEPTION)
                .addStatement("throw new $T(400, $S, source + $S + e.getMessage())", apiException, "corrupt_image",
                        " cannot be decoded: ")
                .endControlFlow()
                .addStatement("return $T.of(engine.predict(decoded), top)", predictionResult)
                .build();
        MethodSpec sniff = MethodSpec.methodBuilder("looksLikeAnImage")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("@return whether the data starts like a JPEG, PNG, GIF or BMP file\n")
                .returns(boolean.class)
                .addParameter(byte[].class, "data")
                .addStatement("return startsWith(data, 0xFF, 0xD8, 0xFF) || startsWith(data, 0x89, 'P', 'N', 'G')\n"
                        + "|| startsWith(data, 'G', 'I', 'F', '8') || startsWith(data, 'B', 'M')")
                .build();
        MethodSpec startsWith = MethodSpec.methodBuilder("startsWith")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(boolean.class)
                .addParameter(byte[].class, "data")
                .addParameter(int[].class, "prefix")
                .varargs()
                .beginControlFlow("if (data.length < prefix.length)")
                .addStatement("return false")
                .endControlFlow()
                .beginControlFlow("for (int i = 0; i < prefix.length; i++)")
                .beginControlFlow("if ((data[i] & 0xFF) != prefix[i])")
                .addStatement("return false")
                .endControlFlow()
                .endControlFlow()
                .addStatement("return true")
                .build();
        MethodSpec info = MethodSpec.methodBuilder("info")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("@param sdkVersion the Model Builder for Java version the service was built with\n"
                        + "@return what the service serves\n@throws $T 503 while the model loads\n", apiException)
                .returns(modelInfo)
                .addParameter(String.class, "sdkVersion")
                .addStatement("$T model = loaded()", loaded)
                .addStatement("$T engine = model.engine()", PREDICTION_ENGINE)
                .addStatement("$T size = new $T(engine.preprocessing().width(), engine.preprocessing().height())",
                        inputSize, inputSize)
                .addStatement("return new $T($S, engine.labels().labels(), size, model.sha256(), sdkVersion)",
                        modelInfo, name.name())
                .build();
        MethodSpec healthMethod = MethodSpec.methodBuilder("health")
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("@return UP once the model is loaded, LOADING before, FAILED when it could not be "
                        + "loaded\n")
                .returns(health)
                .beginControlFlow("if (!loading.isDone())")
                .addStatement("return new $T($S, true, false)", health, "LOADING")
                .endControlFlow()
                .addStatement("return loading.isCompletedExceptionally() ? new $T($S, true, false) : new $T($S, "
                        + "true, true)", health, "FAILED", health, "UP")
                .build();
        MethodSpec close = MethodSpec.methodBuilder("close")
                .addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("Closes the engine when the service stops (after the requests in flight), waiting for "
                        + "a load still running.\n")
                .beginControlFlow("try")
                .addStatement("loading.join().engine().close()")
                .addStatement("LOG.info($S)", "Closed the " + name.name() + " model")
                .nextControlFlow("catch ($T e)", CompletionException.class)
                .addStatement("LOG.debug($S)", "Nothing to close: the model never loaded")
                .endControlFlow()
                .build();
        MethodSpec.Builder logFailure = MethodSpec.methodBuilder("logFailure")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(loaded, "model")
                .addParameter(Throwable.class, "failure")
                .beginControlFlow("if (failure != null)")
                .addStatement("LOG.error($S, failure)", "Cannot load the " + name.name() + " model")
                .endControlFlow();
        constructor = constructor.toBuilder().addStatement("loading.whenComplete($T::logFailure)", modelHost)
                .build();
        TypeSpec type = TypeSpec.classBuilder(modelHost)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(AutoCloseable.class)
                .addAnnotation(annotation("org.springframework.stereotype", "Service"))
                .addJavadoc("Holds the one prediction engine of the process, shared by all requests (it is "
                        + "thread-safe), loaded from the MLModel.zip of $L and closed when the service stops.\n",
                        name.modelFolder())
                .addType(loadedType)
                .addField(logger(modelHost))
                .addField(FieldSpec.builder(future, "loading", Modifier.PRIVATE, Modifier.FINAL).build())
                .addMethod(constructor)
                .addMethod(predict)
                .addMethod(info)
                .addMethod(healthMethod)
                .addMethod(close)
                .addMethod(loadedOrFail)
                .addMethod(load)
                .addMethod(startLoader)
                .addMethod(logFailure.build())
                .addMethod(sniff)
                .addMethod(startsWith)
                .build();
        return file(type);
    }

    JavaFile apiException() {
        TypeSpec type = TypeSpec.classBuilder(apiException)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .superclass(RuntimeException.class)
                .addJavadoc("A request the service refuses, with the HTTP status and error code to answer.\n")
                .addField(FieldSpec.builder(long.class, "serialVersionUID", Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL).initializer("1L").build())
                .addField(int.class, "status", Modifier.PRIVATE, Modifier.FINAL)
                .addField(String.class, "error", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder()
                        .addModifiers(Modifier.PUBLIC)
                        .addJavadoc("@param status the HTTP status, e.g. 400\n"
                                + "@param error a short code, e.g. {@code not_an_image}\n"
                                + "@param message what was wrong and how to fix it\n")
                        .addParameter(int.class, "status")
                        .addParameter(String.class, "error")
                        .addParameter(String.class, "message")
                        .addStatement("super(message)")
                        .addStatement("this.status = status")
                        .addStatement("this.error = error")
                        .build())
                .addMethod(MethodSpec.methodBuilder("status").addModifiers(Modifier.PUBLIC)
                        .addJavadoc("@return the HTTP status\n").returns(int.class).addStatement("return status")
                        .build())
                .addMethod(MethodSpec.methodBuilder("error").addModifiers(Modifier.PUBLIC)
                        .addJavadoc("@return the error code\n").returns(String.class).addStatement("return error")
                        .build())
                .build();
        return file(type);
    }

    /**
     * The multi-label answer: {@code {"labels": [...], "scores": {...}}}, the {@code predict --json} object of a
     * multi-label model without the file name.
     */
    private JavaFile multiLabelPredictionResult() {
        TypeName labels = ParameterizedTypeName.get(ClassName.get(java.util.List.class), ClassName.get(String.class));
        MethodSpec of = MethodSpec.methodBuilder("of")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("@param prediction what the engine predicted\n"
                        + "@param top how many of the best scores to keep, best first, or {@code null} for every "
                        + "label in the model's order\n@return the answer\n")
                .returns(predictionResult)
                .addParameter(PREDICTION, "prediction")
                .addParameter(Integer.class, "top")
                .beginControlFlow("if (top == null)")
                .addStatement("return new $T(prediction.labels(), prediction.scores())", predictionResult)
                .endControlFlow()
                .addStatement("$T best = new $T<>()", SCORES, LinkedHashMap.class)
                .addStatement("prediction.topK(top).forEach(s -> best.put(s.label(), s.score()))")
                .addStatement("return new $T(prediction.labels(), best)", predictionResult)
                .build();
        TypeSpec type = TypeSpec.recordBuilder(predictionResult)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The answer of {@code POST /predict} for this multi-label model: the same object as "
                        + "{@code modelbuilder predict --json}, without the file name.\n\n@param labels the labels "
                        + "at or above their thresholds (empty when none is)\n@param scores the probability of each "
                        + "label, each on its own\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(labels, "labels")
                        .addParameter(SCORES, "scores").build())
                .addMethod(of)
                .build();
        return file(type);
    }

    JavaFile apiError() {
        TypeSpec type = TypeSpec.recordBuilder(apiError)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The JSON body of every error.\n\n@param status the HTTP status\n"
                        + "@param error a short code: {@code not_an_image}, {@code corrupt_image}, "
                        + "{@code image_too_large}, ...\n@param message what was wrong and how to fix it\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(int.class, "status")
                        .addParameter(String.class, "error")
                        .addParameter(String.class, "message").build())
                .build();
        return file(type);
    }

    JavaFile predictionResult() {
        if (multiLabel) {
            return multiLabelPredictionResult();
        }
        MethodSpec of = MethodSpec.methodBuilder("of")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("@param prediction what the engine predicted\n"
                        + "@param top how many of the best scores to keep, best first, or {@code null} for every "
                        + "label in the model's order\n@return the answer\n")
                .returns(predictionResult)
                .addParameter(PREDICTION, "prediction")
                .addParameter(Integer.class, "top")
                .beginControlFlow("if (top == null)")
                .addStatement("return new $T(prediction.label(), prediction.score(), prediction.scores())",
                        predictionResult)
                .endControlFlow()
                .addStatement("$T best = new $T<>()", SCORES, LinkedHashMap.class)
                .addStatement("prediction.topK(top).forEach(s -> best.put(s.label(), s.score()))")
                .addStatement("return new $T(prediction.label(), prediction.score(), best)", predictionResult)
                .build();
        TypeSpec type = TypeSpec.recordBuilder(predictionResult)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The answer of {@code POST /predict}: the same object as {@code modelbuilder predict "
                        + "--json}, without the file name.\n\n@param label the most likely label\n"
                        + "@param score its probability, in [0, 1]\n@param scores the probability of each label\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(String.class, "label")
                        .addParameter(double.class, "score")
                        .addParameter(SCORES, "scores").build())
                .addMethod(of)
                .build();
        return file(type);
    }

    JavaFile modelInfo() {
        TypeSpec size = TypeSpec.recordBuilder(inputSize)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The image size the model takes, after preprocessing.\n\n@param width in pixels\n"
                        + "@param height in pixels\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(int.class, "width").addParameter(int.class, "height").build())
                .build();
        TypeSpec type = TypeSpec.recordBuilder(modelInfo)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The answer of {@code GET /model}.\n\n@param name the model's name\n"
                        + "@param labels its labels in class-index order\n@param inputSize its input size\n"
                        + "@param modelSha256 the SHA-256 of the MLModel.zip served, in hex\n"
                        + "@param sdkVersion the Model Builder for Java version the service was built with\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(String.class, "name")
                        .addParameter(STRINGS, "labels")
                        .addParameter(inputSize, "inputSize")
                        .addParameter(String.class, "modelSha256")
                        .addParameter(String.class, "sdkVersion").build())
                .addType(size)
                .build();
        return file(type);
    }

    JavaFile health() {
        TypeSpec type = TypeSpec.recordBuilder(health)
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("The answer of {@code GET /health}.\n\n@param status UP, LOADING or FAILED\n"
                        + "@param live whether the service answers (always true in an answer)\n"
                        + "@param ready whether the model is loaded and predictions are served\n")
                .recordConstructor(MethodSpec.constructorBuilder()
                        .addParameter(String.class, "status")
                        .addParameter(boolean.class, "live")
                        .addParameter(boolean.class, "ready").build())
                .build();
        return file(type);
    }
}
