package dev.modelbuilder.spark;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}), and its API is Java only. */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("spark");
    }

    /**
     * Spark's Scala types are awkward from Java and tie callers to one Scala line: what the public classes declare
     * (fields, constructors, methods, with their type arguments) names Java, Spark's Java-friendly and SDK types only.
     */
    @Test
    void thePublicApiNamesNoScalaType() {
        List<JavaClass> api = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("dev.modelbuilder.spark").stream()
                .filter(c -> c.getPackageName().equals("dev.modelbuilder.spark"))
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .toList();
        assertThat(api).extracting(JavaClass::getSimpleName).contains("ImageClassifier", "BatchScoring");

        List<String> scala = new ArrayList<>();
        for (JavaClass c : api) {
            Class<?> type = c.reflect();
            for (Field f : type.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) {
                    check(scala, type, f.getName(), f.getGenericType());
                }
            }
            for (Constructor<?> k : type.getDeclaredConstructors()) {
                if (visible(k.getModifiers()) && !k.isSynthetic()) {
                    for (Type p : k.getGenericParameterTypes()) {
                        check(scala, type, "<init>", p);
                    }
                }
            }
            for (Method m : type.getDeclaredMethods()) {
                if (visible(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                    check(scala, type, m.getName(), m.getGenericReturnType());
                    for (Type p : m.getGenericParameterTypes()) {
                        check(scala, type, m.getName(), p);
                    }
                }
            }
        }
        assertThat(scala).as("Scala types in the public API").isEmpty();
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> found, Class<?> owner, String member, Type type) {
        if (type.getTypeName().matches("(?s).*\\bscala\\..*")) {
            found.add(owner.getSimpleName() + "." + member + ": " + type.getTypeName());
        }
    }

    @Test
    void letsOnlyModelBuilderExceptionsOutOfItsPublicApi() {
        ArchitectureRules.checkApiErrors("spark");
    }
}
