package dev.modelbuilder.codegen;

import dev.modelbuilder.core.exception.ValidationException;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A starter project's name and what is derived from it: the folder names ({@code <Name>.Model},
 * {@code <Name>.ConsoleApp}), the Maven artifactIds and the Java package.
 *
 * <pre>{@code
 * ProjectName n = ProjectName.of("Flowers", "com.example");
 * n.modelFolder();      // Flowers.Model
 * n.artifactBase();     // flowers
 * n.modelPackage();     // com.example.flowers.model
 * }</pre>
 *
 * <p>Letters with diacritics are mapped to ASCII ({@code Blumen-Überblick} becomes {@code Blumen-Uberblick});
 * names that stay unusable (empty, path separators, {@code ..}, Java reserved words, Windows device names such as
 * {@code con} or {@code lpt1}, characters with no ASCII form) are rejected with a {@link ValidationException}.
 *
 * @param name the name as used for folders, e.g. {@code Flowers}
 * @param groupId the Maven groupId and package prefix, e.g. {@code com.example}
 */
public record ProjectName(String name, String groupId) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final Pattern GROUP = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final String NAME_RULE = "use 1-64 letters, digits, '-' or '_', starting with a letter "
            + "(letters with accents are mapped to ASCII)";
    private static final Set<String> RESERVED = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits",
            "non", "module", "exports", "opens", "requires", "uses", "provides", "to", "with", "transitive", "open",
            "java", "javax");

    /** Device names Windows reserves in any case and with any extension ({@code con.Model} is the console). */
    private static final Pattern WINDOWS_DEVICE = Pattern.compile("(?i)(con|prn|aux|nul|com[1-9]|lpt[1-9])");

    /** The groupId used when none is given. */
    public static final String DEFAULT_GROUP_ID = "com.example";

    /** @throws ValidationException for an unusable name or groupId */
    public ProjectName {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(groupId, "groupId");
        if (!NAME.matcher(name).matches()) {
            throw new ValidationException("project name", name, NAME_RULE);
        }
        if (WINDOWS_DEVICE.matcher(name).matches()) {
            throw new ValidationException("project name", name, "'" + name + "' is a device name on Windows ("
                    + name + ".Model could not be opened there): choose another name");
        }
        if (!GROUP.matcher(groupId).matches() || groupId.length() > 200) {
            throw new ValidationException("group id", groupId,
                    "use lower-case Java package segments separated by dots, e.g. com.example");
        }
        for (String segment : groupId.split("\\.")) {
            if (RESERVED.contains(segment)) {
                throw new ValidationException("group id", groupId, "'" + segment + "' is a reserved word in Java");
            }
        }
        String segment = packageSegment(name);
        if (RESERVED.contains(segment)) {
            throw new ValidationException("project name", name, "its package name '" + segment
                    + "' is a reserved word in Java: choose another name");
        }
    }

    /**
     * Maps and validates a user-given name.
     *
     * @param rawName the name as the user typed it
     * @param groupId the Maven groupId, or {@code null} for {@value #DEFAULT_GROUP_ID}
     * @return the project name
     * @throws ValidationException when the name cannot be used, saying why
     */
    public static ProjectName of(String rawName, String groupId) {
        String group = groupId == null ? DEFAULT_GROUP_ID : groupId;
        if (rawName == null || rawName.isBlank()) {
            throw new ValidationException("project name", null, NAME_RULE);
        }
        String trimmed = rawName.strip();
        if (trimmed.contains("/") || trimmed.contains("\\") || trimmed.contains(":") || trimmed.contains("..")) {
            throw new ValidationException("project name", rawName,
                    "it must be a name, not a path: no '/', '\\', ':' or '..'");
        }
        String ascii = Normalizer.normalize(trimmed, Normalizer.Form.NFD).replaceAll("\\p{M}+", "")
                .replace('ß', 's').replace('Æ', 'A').replace('æ', 'a').replace('Ø', 'O').replace('ø', 'o')
                .replace(' ', '-');
        if (!ascii.chars().allMatch(c -> c < 128)) {
            throw new ValidationException("project name", rawName,
                    "it has characters with no ASCII form: " + NAME_RULE);
        }
        return new ProjectName(ascii, group);
    }

    private static String packageSegment(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    /** @return {@code <Name>.Model} */
    public String modelFolder() {
        return name + ".Model";
    }

    /** @return {@code <Name>.ConsoleApp} */
    public String consoleFolder() {
        return name + ".ConsoleApp";
    }

    /** @return {@code <Name>.WebApi} */
    public String webApiFolder() {
        return name + ".WebApi";
    }

    /** @return the lower-case artifactId stem, e.g. {@code flowers} for {@code Flowers} */
    public String artifactBase() {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** @return the parent project's artifactId */
    public String parentArtifactId() {
        return artifactBase() + "-parent";
    }

    /** @return the Model project's artifactId */
    public String modelArtifactId() {
        return artifactBase() + "-model";
    }

    /** @return the ConsoleApp project's artifactId */
    public String consoleArtifactId() {
        return artifactBase() + "-consoleapp";
    }

    /** @return the WebApi project's artifactId */
    public String webApiArtifactId() {
        return artifactBase() + "-webapi";
    }

    /** @return the base Java package, e.g. {@code com.example.flowers} */
    public String basePackage() {
        return groupId + "." + packageSegment(name);
    }

    /** @return the Model project's package */
    public String modelPackage() {
        return basePackage() + ".model";
    }

    /** @return the ConsoleApp project's package */
    public String consolePackage() {
        return basePackage() + ".consoleapp";
    }

    /** @return the WebApi project's package */
    public String webApiPackage() {
        return basePackage() + ".webapi";
    }
}
