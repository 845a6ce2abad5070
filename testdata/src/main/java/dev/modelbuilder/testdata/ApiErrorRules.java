package dev.modelbuilder.testdata;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The error rule of the public API (README, "Errors"): every exception that leaves a public method is a
 * {@code ModelBuilderException} subtype, except {@link NullPointerException}, {@link IllegalArgumentException} and
 * {@link IndexOutOfBoundsException} for programming errors. Checked on what a caller sees: the {@code throws} clauses
 * of public and protected members of public types, and the {@code @throws} tags of their Javadoc.
 *
 * <p>Not checked: {@code implementation} packages (not API) and {@code dev.modelbuilder.core.support}, the SDK
 * modules' shared file and thread utilities, which follow java.nio's convention of {@link IOException} so that the
 * modules decide what a failed write means to them.
 */
final class ApiErrorRules {
    private static final String BASE = "dev.modelbuilder.core.exception.ModelBuilderException";
    private static final Set<String> PROGRAMMING_ERRORS = Set.of("NullPointerException", "IllegalArgumentException",
            "IndexOutOfBoundsException");
    private static final Pattern THROWS_TAG = Pattern.compile("@throws\\s+([\\w.]+)");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import\\s+([\\w.]+)\\s*;");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^public\\s+((final|abstract|sealed|non-sealed)\\s+)*(class|interface|record|enum|@interface)\\s");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");

    private ApiErrorRules() {
    }

    /**
     * @param module the module's package name under {@code dev.modelbuilder}
     * @throws AssertionError naming every member that breaks the rule
     */
    static void check(String module) {
        String base = "dev.modelbuilder." + module;
        check(base, new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(base),
                Path.of("src", "main", "java", base.replace('.', '/')));
    }

    /**
     * @param base the package checked, with its sub-packages
     * @param classes its compiled classes
     * @param sources the folder of its sources
     * @throws AssertionError naming every member that breaks the rule, or when there is nothing to check
     */
    static void check(String base, Iterable<JavaClass> classes, Path sources) {
        if (!classes.iterator().hasNext()) {
            throw new AssertionError("no classes of " + base + " to check: is the module's name right?");
        }
        if (!Files.isDirectory(sources)) {
            throw new AssertionError("no sources of " + base + " at " + sources.toAbsolutePath()
                    + ": run the check from the module's folder");
        }
        List<String> problems = new ArrayList<>();
        checkThrowsClauses(classes, problems);
        checkJavadoc(sources, problems);
        if (!problems.isEmpty()) {
            throw new AssertionError("exceptions outside ModelBuilderException leave the public API of " + base
                    + " (throw a ModelBuilderException subtype, or hide the member):\n  "
                    + String.join("\n  ", problems));
        }
    }

    private static boolean isApiPackage(String pkg) {
        return !pkg.contains(".implementation") && !pkg.startsWith("dev.modelbuilder.core.support");
    }

    private static void checkThrowsClauses(Iterable<JavaClass> classes, List<String> problems) {
        for (JavaClass c : classes) {
            if (!isApiPackage(c.getPackageName()) || !visibleFromOutside(c)) {
                continue;
            }
            for (JavaCodeUnit unit : c.getCodeUnits()) {
                Set<JavaModifier> m = unit.getModifiers();
                if (!(m.contains(JavaModifier.PUBLIC) || m.contains(JavaModifier.PROTECTED))
                        || m.contains(JavaModifier.SYNTHETIC) || m.contains(JavaModifier.BRIDGE)) {
                    continue;
                }
                for (JavaClass thrown : unit.getExceptionTypes()) {
                    if (!allowed(thrown)) {
                        problems.add(unit.getFullName() + " declares " + thrown.getName());
                    }
                }
            }
        }
    }

    private static boolean visibleFromOutside(JavaClass c) {
        for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
            if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allowed(JavaClass thrown) {
        return PROGRAMMING_ERRORS.contains(thrown.getSimpleName()) || thrown.isAssignableTo(BASE);
    }

    private static void checkJavadoc(Path root, List<String> problems) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                String text = Files.readString(file);
                Matcher pkg = PACKAGE.matcher(text);
                if (!pkg.find() || !isApiPackage(pkg.group(1)) || !PUBLIC_TYPE.matcher(text).find()) {
                    continue;
                }
                checkTags(file, text, pkg.group(1), problems);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + root.toAbsolutePath(), e);
        }
    }

    private static void checkTags(Path file, String text, String pkg, List<String> problems) {
        boolean topLevelIsInterface = Pattern.compile("(?m)^public\\s+(sealed\\s+)?@?interface\\s").matcher(text)
                .find();
        Matcher tag = THROWS_TAG.matcher(text);
        while (tag.find()) {
            int end = text.indexOf("*/", tag.end());
            String declaration = end < 0 ? "" : declarationAfter(text, end + 2);
            if (!documentsVisibleMember(declaration, topLevelIsInterface)) {
                continue;
            }
            String name = tag.group(1);
            String topLevel = pkg + "." + file.getFileName().toString().replace(".java", "");
            if (!allowedName(name, text, pkg, topLevel)) {
                int line = (int) text.substring(0, tag.start()).chars().filter(ch -> ch == '\n').count() + 1;
                problems.add(file.getFileName() + ":" + line + " documents @throws " + name);
            }
        }
    }

    /** The first line after a Javadoc comment that is not blank or an annotation. */
    private static String declarationAfter(String text, int from) {
        for (String line : text.substring(from).split("\n", 40)) {
            String t = line.strip();
            if (!t.isEmpty() && !t.startsWith("@")) {
                return t;
            }
        }
        return "";
    }

    private static boolean documentsVisibleMember(String declaration, boolean inInterface) {
        if (declaration.startsWith("public ") || declaration.startsWith("protected ")) {
            return true;
        }
        return inInterface && !declaration.startsWith("private ") && !declaration.startsWith("static class ");
    }

    private static boolean allowedName(String name, String source, String pkg, String topLevel) {
        String simple = name.substring(name.lastIndexOf('.') + 1);
        if (PROGRAMMING_ERRORS.contains(simple)) {
            return true;
        }
        List<String> candidates = new ArrayList<>();
        if (name.contains(".")) {
            candidates.add(name);
        }
        Matcher imp = IMPORT.matcher(source);
        while (imp.find()) {
            if (imp.group(1).endsWith("." + simple)) {
                candidates.add(imp.group(1));
            }
        }
        candidates.add(pkg + "." + simple);
        candidates.add(topLevel + "$" + simple);
        candidates.add("dev.modelbuilder.core.exception." + simple);
        candidates.add("java.lang." + simple);
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String candidate : candidates) {
            try {
                Class<?> type = Class.forName(candidate, false, loader);
                return isModelBuilderException(type);
            } catch (ClassNotFoundException notThisOne) {
                // try the next way the simple name could resolve
            }
        }
        return false;
    }

    private static boolean isModelBuilderException(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            if (t.getName().equals(BASE)) {
                return true;
            }
        }
        return false;
    }
}
