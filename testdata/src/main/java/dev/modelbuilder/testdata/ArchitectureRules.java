package dev.modelbuilder.testdata;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The architecture every module keeps, as checks its own tests run ({@code ArchitectureRules.check("scoring")} from a
 * test of module {@code scoring}, whose working folder is the module's folder):
 * <ul>
 *   <li>its packages live under {@code dev.modelbuilder.<module>}, so that another module's package is plain to see;</li>
 *   <li>it imports no other module's {@code implementation} package (those are not API);</li>
 *   <li>its packages depend on each other without cycles;</li>
 *   <li>every package has a {@code package-info.java}.</li>
 * </ul>
 * {@link #checkCoreDependencies()} adds core's own rule: it depends on the JDK and slf4j-api only, and
 * {@link #checkApiErrors(String)} the library modules' rule on the exceptions their public API lets out.
 */
public final class ArchitectureRules {
    private static final String ROOT = "dev.modelbuilder";
    private static final Pattern IMPLEMENTATION =
            Pattern.compile("dev\\.modelbuilder\\.([a-z0-9]+)\\.implementation(\\..*)?");

    private ArchitectureRules() {
    }

    /**
     * Runs every rule on a module's main classes and sources.
     *
     * @param module the module's package name under {@code dev.modelbuilder}, e.g. {@code scoring}
     * @throws AssertionError naming every violation
     */
    public static void check(String module) {
        String base = ROOT + "." + module;
        JavaClasses classes = mainClasses(base);
        if (classes.isEmpty()) {
            throw new AssertionError("no main classes of " + base + " on the class path");
        }
        noClasses().should().dependOnClassesThat(otherModulesImplementation(module))
                .because("an implementation package is not API: give the other module a public entry point")
                .check(classes);
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
        checkSources(module);
    }

    /**
     * Core's rule: its classes use the JDK, slf4j-api and core itself, nothing else, and its pom declares slf4j-api
     * as its only compile-scope dependency.
     *
     * @throws AssertionError naming every violation
     */
    public static void checkCoreDependencies() {
        JavaClasses core = mainClasses(ROOT + ".core");
        noClasses().should().dependOnClassesThat().resideOutsideOfPackages("java..", "javax.annotation..",
                "org.slf4j..", ROOT + ".core..")
                .because("core is provider-neutral and light: no cloud, ML, JSON or ONNX library")
                .check(core);
        List<String> compile = compileDependencies(Path.of("pom.xml"));
        if (!compile.equals(List.of("org.slf4j:slf4j-api"))) {
            throw new AssertionError("core/pom.xml must have slf4j-api as its only compile-scope dependency, found "
                    + compile);
        }
    }

    /**
     * The error rule of a library module's public API: only {@code ModelBuilderException} subtypes leave it (and
     * {@code NullPointerException}, {@code IllegalArgumentException}, {@code IndexOutOfBoundsException} for
     * programming errors), in {@code throws} clauses and in {@code @throws} tags alike.
     *
     * @param module the module's package name under {@code dev.modelbuilder}
     * @throws AssertionError naming every member that breaks it
     */
    public static void checkApiErrors(String module) {
        ApiErrorRules.check(module);
    }

    private static JavaClasses mainClasses(String basePackage) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(basePackage);
    }

    private static DescribedPredicate<JavaClass> otherModulesImplementation(String module) {
        return DescribedPredicate.describe("reside in another module's implementation package", c -> {
            Matcher m = IMPLEMENTATION.matcher(c.getPackageName());
            return m.matches() && !m.group(1).equals(module);
        });
    }

    private static void checkSources(String module) {
        Path sources = Path.of("src", "main", "java");
        Path own = sources.resolve(Path.of(ROOT.replace('.', '/'), module));
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                if (!file.startsWith(own)) {
                    problems.add(sources.relativize(file) + " is outside " + ROOT + "." + module);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + sources.toAbsolutePath(), e);
        }
        try (Stream<Path> dirs = Files.walk(own)) {
            for (Path dir : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                boolean hasJava;
                try (Stream<Path> inside = Files.list(dir)) {
                    hasJava = inside.anyMatch(f -> f.toString().endsWith(".java"));
                }
                if (hasJava && !Files.isRegularFile(dir.resolve("package-info.java"))) {
                    problems.add("package " + sources.relativize(dir).toString().replace('/', '.')
                            + " has no package-info.java");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + own.toAbsolutePath(), e);
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("module " + module + ":\n  " + String.join("\n  ", problems));
        }
    }

    /** The groupId:artifactId of each dependency of a pom whose scope is compile (the default). */
    static List<String> compileDependencies(Path pom) {
        String xml;
        try {
            xml = Files.readString(pom);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pom.toAbsolutePath(), e);
        }
        int start = xml.indexOf("<dependencies>");
        String section = start < 0 ? "" : xml.substring(start, xml.indexOf("</dependencies>", start));
        List<String> found = new ArrayList<>();
        Matcher d = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL).matcher(section);
        while (d.find()) {
            String body = d.group(1);
            String scope = tag(body, "scope");
            if (scope == null || scope.equals("compile")) {
                found.add(tag(body, "groupId") + ":" + tag(body, "artifactId"));
            }
        }
        return found;
    }

    private static String tag(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">\\s*([^<]*?)\\s*</" + name + ">").matcher(xml);
        return m.find() ? m.group(1) : null;
    }
}
