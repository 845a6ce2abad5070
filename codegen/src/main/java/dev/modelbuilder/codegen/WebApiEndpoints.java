package dev.modelbuilder.codegen;

import static dev.modelbuilder.codegen.WebApiSources.DATA_SIZE;
import static dev.modelbuilder.codegen.WebApiSources.HTTP_STATUS;
import static dev.modelbuilder.codegen.WebApiSources.MEDIA_TYPE;
import static dev.modelbuilder.codegen.WebApiSources.MULTIPART_FILE;
import static dev.modelbuilder.codegen.WebApiSources.RESPONSE_ENTITY;
import static dev.modelbuilder.codegen.WebApiSources.WEB;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.lang.model.element.Modifier;

/** The Web API's controller and error handler, built as syntax trees with JavaPoet. */
final class WebApiEndpoints {
    private final WebApiSources s;

    WebApiEndpoints(WebApiSources sources) {
        this.s = sources;
    }

    JavaFile controller() {
        ProjectName name = s.name;
        String pkg = s.pkg;
        ClassName self = ClassName.get(pkg, "PredictionController");
        AnnotationSpec top = AnnotationSpec.builder(ClassName.get(WEB, "RequestParam"))
                .addMember("name", "$S", "top").addMember("required", "false").build();
        ParameterSpec topParam = ParameterSpec.builder(Integer.class, "top").addAnnotation(top).build();
        AnnotationSpec imagePart = AnnotationSpec.builder(ClassName.get(WEB, "RequestPart"))
                .addMember("name", "$S", "image").build();
        MethodSpec constructor = MethodSpec.constructorBuilder()
                .addModifiers(Modifier.PUBLIC)
                .addJavadoc("@param model the model host\n"
                        + "@param maxImageSize the largest image accepted\n"
                        + "@param maxBatchImages the most images in one batch\n"
                        + "@param sdkVersion the Model Builder for Java version the service was built with\n")
                .addParameter(s.modelHost, "model")
                .addParameter(ParameterSpec.builder(DATA_SIZE, "maxImageSize")
                        .addAnnotation(WebApiSources.value("${modelbuilder.webapi.max-image-size:10MB}")).build())
                .addParameter(ParameterSpec.builder(int.class, "maxBatchImages")
                        .addAnnotation(WebApiSources.value("${modelbuilder.webapi.max-batch-images:64}")).build())
                .addParameter(ParameterSpec.builder(String.class, "sdkVersion")
                        .addAnnotation(WebApiSources.value("${modelbuilder.webapi.sdk-version:unknown}")).build())
                .addStatement("this.model = model")
                .addStatement("this.maxImageBytes = maxImageSize.toBytes()")
                .addStatement("this.maxBatchImages = maxBatchImages")
                .addStatement("this.sdkVersion = sdkVersion")
                .build();
        MethodSpec body = MethodSpec.methodBuilder("predictBody")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "PostMapping"))
                        .addMember("path", "$S", "/predict")
                        .addMember("consumes", "{$S, $T.APPLICATION_OCTET_STREAM_VALUE}", "image/*", MEDIA_TYPE)
                        .build())
                .addJavadoc("Predicts the image sent as the request body.\n\n"
                        + "@param body the request body: a JPEG, PNG, BMP or GIF image\n"
                        + "@param top how many of the best scores to answer (all, in label order, when absent)\n"
                        + "@return the predicted label and the scores\n"
                        + "@throws $T when the body cannot be read\n", IOException.class)
                .returns(s.predictionResult)
                .addParameter(InputStream.class, "body")
                .addParameter(topParam)
                .addException(IOException.class)
                .addStatement("byte[] image = body.readNBytes((int) Math.min(maxImageBytes + 1, "
                        + "Integer.MAX_VALUE - 8))")
                .beginControlFlow("if (image.length > maxImageBytes)")
                .addStatement("throw tooLarge($S)", "the request body")
                .endControlFlow()
                .addStatement("return model.predict(image, $S, checkTop(top))", "the request body")
                .build();
        MethodSpec part = MethodSpec.methodBuilder("predictPart")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "PostMapping"))
                        .addMember("path", "$S", "/predict")
                        .addMember("consumes", "$T.MULTIPART_FORM_DATA_VALUE", MEDIA_TYPE).build())
                .addJavadoc("Predicts the image sent as the multipart field {@code image}.\n\n"
                        + "@param image the uploaded image\n"
                        + "@param top how many of the best scores to answer (all, in label order, when absent)\n"
                        + "@return the predicted label and the scores\n"
                        + "@throws $T when the upload cannot be read\n", IOException.class)
                .returns(s.predictionResult)
                .addParameter(ParameterSpec.builder(MULTIPART_FILE, "image").addAnnotation(imagePart).build())
                .addParameter(topParam)
                .addException(IOException.class)
                .addStatement("$T source = describe(image, 1)", String.class)
                .addStatement("return model.predict(bytes(image, source), source, checkTop(top))")
                .build();
        TypeName files = ParameterizedTypeName.get(ClassName.get(List.class), MULTIPART_FILE);
        TypeName results = ParameterizedTypeName.get(ClassName.get(List.class), s.predictionResult);
        MethodSpec batch = MethodSpec.methodBuilder("predictBatch")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "PostMapping"))
                        .addMember("path", "$S", "/predict/batch")
                        .addMember("consumes", "$T.MULTIPART_FORM_DATA_VALUE", MEDIA_TYPE).build())
                .addJavadoc("Predicts several images sent as repeated multipart fields {@code image}.\n\n"
                        + "@param images the uploaded images\n"
                        + "@param top how many of the best scores to answer per image\n"
                        + "@return one prediction per image, in order\n"
                        + "@throws $T when an upload cannot be read\n", IOException.class)
                .returns(results)
                .addParameter(ParameterSpec.builder(files, "images").addAnnotation(imagePart).build())
                .addParameter(topParam)
                .addException(IOException.class)
                .beginControlFlow("if (images.size() > maxBatchImages)")
                .addStatement("throw new $T(400, $S, $S + images.size()\n+ $S + maxBatchImages + $S)",
                        s.apiException, "too_many_images", "the batch has ", " images, more than the limit of ",
                        " (modelbuilder.webapi.max-batch-images): send fewer per request")
                .endControlFlow()
                .addStatement("$T checked = checkTop(top)", Integer.class)
                .addStatement("$T out = new $T<>(images.size())", results, ArrayList.class)
                .beginControlFlow("for (int i = 0; i < images.size(); i++)")
                .addStatement("$T image = images.get(i)", MULTIPART_FILE)
                .addStatement("$T source = describe(image, i + 1)", String.class)
                .addStatement("out.add(model.predict(bytes(image, source), source, checked))")
                .endControlFlow()
                .addStatement("return out")
                .build();
        MethodSpec healthMethod = MethodSpec.methodBuilder("health")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "GetMapping")).addMember("value", "$S",
                        "/health").build())
                .addJavadoc("Readiness: 200 once the model is loaded, 503 before (or when it failed to load).\n\n"
                        + "@return the service's state\n")
                .returns(ParameterizedTypeName.get(RESPONSE_ENTITY, s.health))
                .addStatement("$T state = model.health()", s.health)
                .addStatement("return $T.status(state.ready() ? $T.OK : $T.SERVICE_UNAVAILABLE).body(state)",
                        RESPONSE_ENTITY, HTTP_STATUS, HTTP_STATUS)
                .build();
        MethodSpec live = MethodSpec.methodBuilder("live")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "GetMapping")).addMember("value", "$S",
                        "/health/live").build())
                .addJavadoc("Liveness: 200 as long as the service answers.\n\n@return the service's state\n")
                .returns(s.health)
                .addStatement("return model.health()")
                .build();
        MethodSpec info = MethodSpec.methodBuilder("model")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(WEB, "GetMapping")).addMember("value", "$S",
                        "/model").build())
                .addJavadoc("@return the labels, the input size, the model's SHA-256 and the SDK version\n")
                .returns(s.modelInfo)
                .addStatement("return model.info(sdkVersion)")
                .build();
        MethodSpec checkTop = MethodSpec.methodBuilder("checkTop")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(Integer.class)
                .addParameter(Integer.class, "top")
                .beginControlFlow("if (top != null && top < 1)")
                .addStatement("throw new $T(400, $S,\n$S + top + $S)", s.apiException, "invalid_top", "top is ",
                        ": give 1 or more, or leave it out for every label")
                .endControlFlow()
                .addStatement("return top")
                .build();
        MethodSpec bytes = MethodSpec.methodBuilder("bytes")
                .addModifiers(Modifier.PRIVATE)
                .returns(byte[].class)
                .addParameter(MULTIPART_FILE, "image")
                .addParameter(String.class, "source")
                .addException(IOException.class)
                .beginControlFlow("if (image.getSize() > maxImageBytes)")
                .addStatement("throw tooLarge(source)")
                .endControlFlow()
                .addStatement("return image.getBytes()")
                .build();
        MethodSpec describe = MethodSpec.methodBuilder("describe")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(String.class)
                .addParameter(MULTIPART_FILE, "image")
                .addParameter(int.class, "position")
                .addStatement("$T file = image.getOriginalFilename()", String.class)
                .addStatement("return $S + position + (file == null || file.isBlank() ? $S : $S + file + $S)",
                        "image #", "", " (", ")")
                .build();
        MethodSpec tooLarge = MethodSpec.methodBuilder("tooLarge")
                .addModifiers(Modifier.PRIVATE)
                .returns(s.apiException)
                .addParameter(String.class, "source")
                .addStatement("return new $T(413, $S, source + $S + maxImageBytes\n+ $S)", s.apiException,
                        "image_too_large", " is larger than the limit of ", " bytes (modelbuilder.webapi"
                                + ".max-image-size): send a smaller image or raise the limit")
                .build();
        TypeSpec type = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(WebApiSources.annotation(WEB, "RestController"))
                .addJavadoc("The HTTP endpoints of the $L model.\n", name.name())
                .addField(s.modelHost, "model", Modifier.PRIVATE, Modifier.FINAL)
                .addField(long.class, "maxImageBytes", Modifier.PRIVATE, Modifier.FINAL)
                .addField(int.class, "maxBatchImages", Modifier.PRIVATE, Modifier.FINAL)
                .addField(String.class, "sdkVersion", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(constructor)
                .addMethod(body)
                .addMethod(part)
                .addMethod(batch)
                .addMethod(healthMethod)
                .addMethod(live)
                .addMethod(info)
                .addMethod(checkTop)
                .addMethod(bytes)
                .addMethod(describe)
                .addMethod(tooLarge)
                .build();
        return s.file(type);
    }

    JavaFile apiErrors() {
        String pkg = s.pkg;
        ClassName self = ClassName.get(pkg, "ApiErrors");
        TypeName answer = ParameterizedTypeName.get(RESPONSE_ENTITY, s.apiError);
        ClassName exceptionHandler = ClassName.get(WEB, "ExceptionHandler");
        MethodSpec api = MethodSpec.methodBuilder("api")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(exceptionHandler).addMember("value", "$T.class", s.apiException)
                        .build())
                .addJavadoc("@param e a refused request\n@return its status and what was wrong\n")
                .returns(answer)
                .addParameter(s.apiException, "e")
                .addStatement("LOG.debug($S, e.status(), e.getMessage())", "refused a request: {} {}")
                .addStatement("return answer(e.status(), e.error(), e.getMessage())")
                .build();
        MethodSpec tooLarge = MethodSpec.methodBuilder("tooLarge")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(exceptionHandler).addMember("value", "$T.class",
                        ClassName.get("org.springframework.web.multipart", "MaxUploadSizeExceededException")).build())
                .addJavadoc("@param e an upload over spring.servlet.multipart.max-file-size or max-request-size\n"
                        + "@return 413 and the limits\n")
                .returns(answer)
                .addParameter(ClassName.get("org.springframework.web.multipart", "MaxUploadSizeExceededException"),
                        "e")
                .addStatement("return answer(413, $S, $S)", "image_too_large", "the upload is larger than the limit "
                        + "(modelbuilder.webapi.max-image-size per image, spring.servlet.multipart.max-request-size "
                        + "per request): send a smaller image or raise the limit")
                .build();
        MethodSpec badRequest = MethodSpec.methodBuilder("badRequest")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(exceptionHandler).addMember("value", "{$T.class, $T.class, "
                        + "$T.class}", ClassName.get("org.springframework.beans", "TypeMismatchException"),
                        ClassName.get("org.springframework.http.converter", "HttpMessageNotReadableException"),
                        ClassName.get("org.springframework.web.multipart", "MultipartException")).build())
                .addJavadoc("@param e a parameter of the wrong type or an unreadable request\n"
                        + "@return 400 and what was wrong\n")
                .returns(answer)
                .addParameter(Exception.class, "e")
                .addStatement("LOG.debug($S, e.toString())", "refused a request: {}")
                .addStatement("return answer(400, $S, $S)", "bad_request", "the request cannot be read: check its "
                        + "parameters (top is a whole number) and its multipart body")
                .build();
        MethodSpec other = MethodSpec.methodBuilder("other")
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(exceptionHandler).addMember("value", "$T.class",
                        Exception.class).build())
                .addJavadoc("Spring's own client errors keep their status and message; anything else is a 500 "
                        + "whose details go to the log only.\n\n@param e the failure\n@return its status and a "
                        + "message without internals\n")
                .returns(answer)
                .addParameter(Exception.class, "e")
                .beginControlFlow("if (e instanceof $T response && response.getStatusCode().is4xxClientError())",
                        ClassName.get("org.springframework.web", "ErrorResponse"))
                .addStatement("int status = response.getStatusCode().value()")
                .addStatement("$T known = $T.resolve(status)", HTTP_STATUS, HTTP_STATUS)
                .addStatement("$T detail = response.getBody().getDetail()", String.class)
                .addStatement("return answer(status, known == null ? $S : known.name().toLowerCase($T.ROOT),\n"
                        + "detail == null ? $S : detail)", "client_error", Locale.class,
                        "the request was refused")
                .endControlFlow()
                .addStatement("LOG.error($S, e)", "request failed")
                .addStatement("return answer(500, $S, $S)", "internal_error",
                        "the request failed inside the service: its log has the details")
                .build();
        MethodSpec answerMethod = MethodSpec.methodBuilder("answer")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(answer)
                .addParameter(int.class, "status")
                .addParameter(String.class, "error")
                .addParameter(String.class, "message")
                .addStatement("return $T.status(status).contentType($T.APPLICATION_JSON)\n"
                        + ".body(new $T(status, error, message))", RESPONSE_ENTITY, MEDIA_TYPE, s.apiError)
                .build();
        TypeSpec type = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(WebApiSources.annotation(WEB, "RestControllerAdvice"))
                .addJavadoc("Turns every failure into a JSON {@link ApiError}; responses never carry stack "
                        + "traces.\n")
                .addField(WebApiSources.logger(self))
                .addMethod(api)
                .addMethod(tooLarge)
                .addMethod(badRequest)
                .addMethod(other)
                .addMethod(answerMethod)
                .build();
        return s.file(type);
    }
}
