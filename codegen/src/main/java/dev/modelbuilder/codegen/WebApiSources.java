package dev.modelbuilder.codegen;

import com.palantir.javapoet.AnnotationSpec;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The Java sources of the Web API project, built as syntax trees with JavaPoet: one Spring Boot application class.
 * The endpoints, their limits and their errors come from the SDK's starter ({@code modelbuilder-spring-boot-starter}),
 * so a fix to them reaches a generated project by a version change instead of a generation.
 */
final class WebApiSources {
    private static final String BOOT = "org.springframework.boot";

    private final ProjectName name;
    private final String header;

    /** The starter answers a multi-label model with its label set: the sources are the same for both kinds. */
    WebApiSources(ProjectName name, String header) {
        this.name = name;
        this.header = header;
    }

    /** Every source file of the project. */
    List<JavaFile> all() {
        return List.of(application());
    }

    JavaFile application() {
        ClassName self = ClassName.get(name.webApiPackage(), "WebApiApplication");
        TypeSpec type = TypeSpec.classBuilder(self)
                .addModifiers(Modifier.PUBLIC)
                .addAnnotation(AnnotationSpec.builder(ClassName.get(BOOT + ".autoconfigure", "SpringBootApplication"))
                        .addMember("proxyBeanMethods", "false").build())
                .addJavadoc("Serves the $L model over HTTP with the Model Builder for Java starter:\n"
                        + "{@code POST /predict}, {@code POST /predict/batch}, {@code GET /model}, {@code GET /health} "
                        + "and {@code GET /health/live},\nconfigured in application.properties. "
                        + "The port comes from {@code PORT} (default 8080)\nunless {@code server.port} is set.\n",
                        name.name())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PROTECTED)
                        .addJavadoc("Spring creates it.\n").build())
                .addMethod(MethodSpec.methodBuilder("main")
                        .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                        .addJavadoc("Starts the service.\n\n@param args Spring Boot options, e.g. "
                                + "{@code --server.port=9000}\n")
                        .addParameter(String[].class, "args")
                        .varargs()
                        .addStatement("$T.run($T.class, args)", ClassName.get(BOOT, "SpringApplication"), self)
                        .build())
                .build();
        return JavaFile.builder(name.webApiPackage(), type).addFileComment("$L", header).skipJavaLangImports(true)
                .indent("    ").build();
    }
}
