package dev.modelbuilder.codegen;

import dev.modelbuilder.core.exception.ModelBuilderException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text templates with {@code {{key}}} placeholders; an unknown key is an error, not a blank. The lines between a line
 * {@code {{#key}}} and a line {@code {{/key}}} are kept only when the value of {@code key} is {@code true}, those
 * between {@code {{^key}}} and {@code {{/key}}} only when it is {@code false}; the marker lines themselves vanish.
 */
final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9_.]+)}}");
    private static final Pattern SECTION = Pattern.compile(
            "(?ms)^[ \\t]*\\{\\{([#^])([A-Za-z0-9_.]+)}}[ \\t]*\\R(.*?)^[ \\t]*\\{\\{/\\2}}[ \\t]*(?:\\R|\\z)");

    private Templates() {
    }

    static String render(String name, Map<String, String> values) {
        String template = sections(name, load(name), values);
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                // a generator bug, not a user's mistake: the generator passes every key its templates use
                throw new AssertionError("template " + name + " uses unknown key " + m.group(1));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Keeps or drops the conditional sections. */
    private static String sections(String name, String template, Map<String, String> values) {
        Matcher m = SECTION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(2));
            if (!"true".equals(value) && !"false".equals(value)) {
                throw new AssertionError("template " + name + " has a section on " + m.group(2) + " whose value is "
                        + value + " instead of true or false");
            }
            boolean keep = Boolean.parseBoolean(value) == m.group(1).equals("#");
            m.appendReplacement(out, keep ? Matcher.quoteReplacement(m.group(3)) : "");
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String load(String name) {
        try (InputStream in = Templates.class.getResourceAsStream("templates/" + name)) {
            if (in == null) {
                throw new ModelBuilderException("the codegen jar is incomplete: missing template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelBuilderException("the codegen jar cannot be read: " + e.getMessage(), e);
        }
    }

    /** Escapes text for XML element content and attribute values. */
    static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
