package dev.modelbuilder.azure.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the fields of a request body that its definition in the REST description does not have: the request
 * validator ({@link SpecValidator}) checks required fields, types and enums but, with AutoRest's open objects, lets a
 * misspelled field through, which the service would drop in silence. Walks {@code properties}, {@code allOf},
 * {@code $ref}s into the common types, AutoRest discriminators ({@code x-ms-discriminator-value} children), maps
 * ({@code additionalProperties}) and arrays.
 */
public final class SpecFields {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile Map<String, JsonNode> files;

    private SpecFields() {
    }

    private static Map<String, JsonNode> files() {
        Map<String, JsonNode> f = files;
        if (f == null) {
            synchronized (SpecFields.class) {
                f = files;
                if (f == null) {
                    Path dir = SpecValidator.specDir();
                    f = new LinkedHashMap<>();
                    try {
                        f.put("mfe.json", JSON.readTree(dir.resolve("mfe.json").toFile()));
                        f.put("types.json", JSON.readTree(dir.resolve("common-types/resource-management/v3/types.json")
                                .toFile()));
                        f.put("managedidentity.json", JSON.readTree(dir.resolve(
                                "common-types/resource-management/v3/managedidentity.json").toFile()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    files = f;
                }
            }
        }
        return f;
    }

    /**
     * @param definition a definition of {@code mfe.json}, e.g. {@code OnlineDeploymentTrackedResource}
     * @param body a request body
     * @return the paths of the body's fields that the definition does not have, e.g. {@code properties.probe}
     */
    public static List<String> unknown(String definition, JsonNode body) {
        List<String> out = new ArrayList<>();
        walk(new Ref("mfe.json", definition), body, "", out);
        return out;
    }

    private record Ref(String file, String name) {
        JsonNode schema() {
            return files().get(file).path("definitions").path(name);
        }
    }

    private static Ref resolve(String from, String ref) {
        int hash = ref.indexOf("#/definitions/");
        String file = hash == 0 ? from : ref.substring(ref.lastIndexOf('/', hash) + 1, hash);
        return new Ref(file, ref.substring(hash + "#/definitions/".length()));
    }

    /** Every property a schema allows, with the file each property's schema is read in. */
    private static void allowed(String file, JsonNode schema, JsonNode body, Map<String, Object[]> into,
            Set<String> seen) {
        if (schema.has("$ref")) {
            Ref r = resolve(file, schema.get("$ref").asText());
            if (seen.add(r.file() + "#" + r.name())) {
                allowed(r.file(), r.schema(), body, into, seen);
                String discriminator = r.schema().path("discriminator").asText(null);
                if (discriminator != null && body.has(discriminator)) {
                    child(r, body.get(discriminator).asText()).forEach(c -> allowed(c.file(), c.schema(), body, into,
                            seen));
                }
            }
            return;
        }
        schema.path("properties").properties().forEach(p -> into.putIfAbsent(p.getKey(),
                new Object[] {file, p.getValue()}));
        for (JsonNode part : schema.path("allOf")) {
            allowed(file, part, body, into, seen);
        }
    }

    /** @return the definitions that extend a discriminated base for this value */
    private static List<Ref> child(Ref base, String value) {
        List<Ref> out = new ArrayList<>();
        files().get(base.file()).path("definitions").properties().forEach(d -> {
            JsonNode s = d.getValue();
            if (value.equals(s.path("x-ms-discriminator-value").asText(null))) {
                for (JsonNode part : s.path("allOf")) {
                    if (part.has("$ref") && resolve(base.file(), part.get("$ref").asText()).name().equals(base.name())) {
                        out.add(new Ref(base.file(), d.getKey()));
                    }
                }
            }
        });
        return out;
    }

    private static void walk(Ref ref, JsonNode body, String path, List<String> out) {
        walkSchema(ref.file(), JSON.createObjectNode().put("$ref", "#/definitions/" + ref.name()), body, path, out);
    }

    private static void walkSchema(String file, JsonNode schema, JsonNode body, String path, List<String> out) {
        if (body == null || body.isNull()) {
            return;
        }
        JsonNode resolved = schema;
        String resolvedFile = file;
        if (schema.has("$ref")) {
            Ref r = resolve(file, schema.get("$ref").asText());
            resolved = r.schema();
            resolvedFile = r.file();
        }
        if (body.isArray()) {
            for (JsonNode item : body) {
                walkSchema(resolvedFile, resolved.path("items"), item, path + "[]", out);
            }
            return;
        }
        if (!body.isObject()) {
            return;
        }
        Map<String, Object[]> props = new LinkedHashMap<>();
        allowed(file, schema, body, props, new LinkedHashSet<>());
        JsonNode additional = resolved.path("additionalProperties");
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String p = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            Object[] known = props.get(field.getKey());
            if (known != null) {
                walkSchema((String) known[0], (JsonNode) known[1], field.getValue(), p, out);
            } else if (additional.isObject()) {
                walkSchema(resolvedFile, additional, field.getValue(), p, out);
            } else if (!additional.asBoolean(false)) {
                out.add(p);
            }
        }
    }
}
