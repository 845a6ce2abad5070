package dev.modelbuilder.azure.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.ComposedSchema;
import io.swagger.v3.oas.models.media.Discriminator;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Validates HTTP interactions against the official Azure Machine Learning OpenAPI description (swagger 2.0,
 * api-version 2024-04-01) in this module's test resources, {@code azure-specs/2024-04-01}.
 *
 * <p>Two preparations happen once per JVM, in a temporary copy of the spec folder: the upstream
 * {@code ../../../../../common-types/} prefix of external {@code $ref}s is mapped to the copy's
 * {@code ./common-types/} (see the spec folder's README), and the AutoRest polymorphism convention
 * ({@code discriminator} on a base schema, {@code x-ms-discriminator-value} on each child that extends it with
 * {@code allOf}) is turned into OpenAPI 3 discriminator mappings, so that a {@code JobBase} with
 * {@code jobType: AutoML} is validated as an {@code AutoMLJob}.
 */
public final class SpecValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile SpecValidator instance;

    private final List<Api> apis;

    private record Api(String file, OpenApiInteractionValidator validator, List<Pattern> paths) {
    }

    private SpecValidator(List<Api> apis) {
        this.apis = apis;
    }

    /**
     * @return the folder holding the 2024-04-01 spec: the system property {@code modelbuilder.azure.spec-dir} (for other
     *     modules' tests, which get this class from the test-jar), else this module's test resources,
     *     {@code azure-specs/2024-04-01}
     */
    public static Path specDir() {
        String given = System.getProperty("modelbuilder.azure.spec-dir");
        if (given != null && !given.isBlank()) {
            return Path.of(given);
        }
        URL mfe = SpecValidator.class.getResource("/azure-specs/2024-04-01/mfe.json");
        if (mfe == null || !"file".equals(mfe.getProtocol())) {
            throw new IllegalStateException("the Azure ML spec is not in this module's test resources as files ("
                    + mfe + "); expected azure/src/test/resources/azure-specs/2024-04-01");
        }
        try {
            return Path.of(mfe.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected spec location " + mfe, e);
        }
    }

    /** @return the shared validator, loading the specs on first use (a few seconds) */
    public static SpecValidator get() {
        SpecValidator v = instance;
        if (v == null) {
            synchronized (SpecValidator.class) {
                v = instance;
                if (v == null) {
                    v = load(specDir());
                    instance = v;
                }
            }
        }
        return v;
    }

    private static SpecValidator load(Path specDir) {
        try {
            Map<Path, JsonNode> trees = new LinkedHashMap<>();
            try (Stream<Path> files = Files.walk(specDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.toString().endsWith(".json") && !specDir.relativize(f).startsWith("examples")) {
                        JsonNode tree = JSON.readTree(f.toFile());
                        dropAdditionalPropertiesOfStrings(tree);
                        trees.put(f.toAbsolutePath().normalize(), tree);
                    }
                }
            }
            List<Api> apis = new ArrayList<>();
            for (String file : List.of("machineLearningServices.json", "mfe.json")) {
                Path main = specDir.resolve(file).toAbsolutePath().normalize();
                ObjectNode bundled = (ObjectNode) trees.get(main).deepCopy();
                new Bundler(specDir, main, bundled, trees).run();
                ParseOptions options = new ParseOptions();
                options.setResolve(true);
                SwaggerParseResult result = new OpenAPIParser().readContents(JSON.writeValueAsString(bundled), null,
                        options);
                OpenAPI api = Objects.requireNonNull(result.getOpenAPI(), () -> "cannot parse " + file + ": "
                        + result.getMessages());
                restoreDiscriminators(api, bundled);
                addDiscriminatorMappings(api);
                allowInheritedProperties(api);
                OpenApiInteractionValidator validator = OpenApiInteractionValidator.createFor(api)
                        .withLevelResolver(LevelResolver.create()
                                // ARM's OAuth2 bearer is checked by the emulator itself
                                .withLevel("validation.request.security.missing",
                                        ValidationReport.Level.IGNORE)
                                // no additionalProperties: false where the spec does not say so (AutoRest
                                // semantics); where it does, allowInheritedProperties made it allOf-aware
                                .withLevel("validation.schema.additionalProperties", ValidationReport.Level.IGNORE)
                                .build())
                        .build();
                List<Pattern> paths = new ArrayList<>();
                for (String p : api.getPaths().keySet()) {
                    paths.add(Pattern.compile("(?i)" + p.replaceAll("\\{[^}]+}", "[^/]+")));
                }
                apis.add(new Api(file, validator, paths));
            }
            return new SpecValidator(apis);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies everything a spec file references in other files ({@code common-types}, the sibling spec files) into
     * that file's own {@code definitions} and {@code parameters}, rewriting the {@code $ref}s to local ones, so that
     * the parser sees one self-contained document. The upstream prefix {@code ../../../../../common-types/} is read
     * as the copy's {@code common-types/} folder (see the spec folder's README).
     */
    private static final class Bundler {
        private final Path specDir;
        private final Path main;
        private final ObjectNode root;
        private final Map<Path, JsonNode> trees;
        private final Map<String, String> imported = new LinkedHashMap<>();

        Bundler(Path specDir, Path main, ObjectNode root, Map<Path, JsonNode> trees) {
            this.specDir = specDir;
            this.main = main;
            this.root = root;
            this.trees = trees;
        }

        void run() {
            walk(root, main);
        }

        private void walk(JsonNode node, Path file) {
            if (node instanceof ObjectNode o) {
                o.remove("x-ms-examples");
                JsonNode ref = o.get("$ref");
                if (ref != null && ref.isTextual()) {
                    o.put("$ref", localize(ref.asText(), file));
                }
                for (Map.Entry<String, JsonNode> e : new ArrayList<>(o.properties())) {
                    if (!e.getKey().equals("$ref")) {
                        walk(e.getValue(), file);
                    }
                }
            } else if (node != null && node.isArray()) {
                node.forEach(n -> walk(n, file));
            }
        }

        private String localize(String ref, Path file) {
            int hash = ref.indexOf('#');
            String filePart = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            Path target = file;
            if (!filePart.isEmpty()) {
                target = filePart.startsWith("../../../../../common-types/")
                        ? specDir.resolve(filePart.substring("../../../../../".length()))
                        : file.getParent().resolve(filePart);
                target = target.toAbsolutePath().normalize();
            }
            if (target.equals(main)) {
                return "#" + pointer;
            }
            String key = target + "#" + pointer;
            String known = imported.get(key);
            if (known != null) {
                return known;
            }
            String[] segments = pointer.split("/");
            String section = segments[1];
            String name = segments[segments.length - 1];
            Path targetFile = target;
            JsonNode source = Objects.requireNonNull(trees.get(targetFile), () -> "no spec file " + targetFile)
                    .at(pointer);
            ObjectNode sectionNode = root.has(section) ? (ObjectNode) root.get(section) : root.putObject(section);
            String local = name;
            int n = 1;
            while (sectionNode.has(local)) {
                local = name + "_" + (n++);
            }
            String localRef = "#/" + section + "/" + local;
            imported.put(key, localRef);
            JsonNode copy = source.deepCopy();
            sectionNode.set(local, copy);
            walk(copy, target);
            return localRef;
        }
    }

    /**
     * AutoRest specs put {@code additionalProperties: false} on string enums; the swagger 2.0 converter then turns
     * them into object schemas, which would reject every enum value. It means nothing on a string: drop it.
     */
    private static void dropAdditionalPropertiesOfStrings(JsonNode node) {
        if (node instanceof ObjectNode o) {
            if (o.path("type").asText("").equals("string")) {
                o.remove("additionalProperties");
            }
            o.elements().forEachRemaining(SpecValidator::dropAdditionalPropertiesOfStrings);
        } else if (node.isArray()) {
            node.elements().forEachRemaining(SpecValidator::dropAdditionalPropertiesOfStrings);
        }
    }

    /**
     * In AutoRest specs {@code additionalProperties: false} on a schema that extends others with {@code allOf}
     * admits the inherited properties too, and a schema that others extend cannot forbid their properties;
     * JSON Schema would reject both. So a closed schema gets an unconstrained entry for every inherited
     * property name (it then rejects only truly unknown names, while the inherited schemas still check the
     * values), and a closed schema that others extend is opened.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void allowInheritedProperties(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        java.util.Set<String> extended = new java.util.HashSet<>();
        for (Schema s : schemas.values()) {
            if (s.getAllOf() != null) {
                for (Object part : s.getAllOf()) {
                    String ref = ((Schema) part).get$ref();
                    if (ref != null) {
                        extended.add(ref.substring(ref.lastIndexOf('/') + 1));
                    }
                }
            }
        }
        for (Map.Entry<String, Schema> e : schemas.entrySet()) {
            Schema s = e.getValue();
            if (!Boolean.FALSE.equals(s.getAdditionalProperties())) {
                continue;
            }
            if (extended.contains(e.getKey())) {
                s.setAdditionalProperties(null);
                continue;
            }
            if (s.getAllOf() == null) {
                continue;
            }
            java.util.Set<String> inherited = new java.util.LinkedHashSet<>();
            collectInherited(s, schemas, inherited, new java.util.HashSet<>());
            if (s.getProperties() == null) {
                s.setProperties(new LinkedHashMap<>());
            }
            for (String name : inherited) {
                s.getProperties().putIfAbsent(name, new Schema<>());
            }
        }
    }

    @SuppressWarnings("rawtypes")
    private static void collectInherited(Schema s, Map<String, Schema> schemas, java.util.Set<String> names,
            java.util.Set<String> seen) {
        if (s.getAllOf() == null) {
            return;
        }
        for (Object o : s.getAllOf()) {
            Schema part = (Schema) o;
            Schema parent = part;
            if (part.get$ref() != null) {
                String name = part.get$ref().substring(part.get$ref().lastIndexOf('/') + 1);
                if (!seen.add(name) || !schemas.containsKey(name)) {
                    continue;
                }
                parent = schemas.get(name);
            }
            if (parent.getProperties() != null) {
                for (Object n : parent.getProperties().keySet()) {
                    names.add((String) n);
                }
            }
            collectInherited(parent, schemas, names, seen);
        }
    }

    /**
     * The swagger 2.0 converter drops {@code discriminator} from schemas that also use {@code allOf} (e.g.
     * {@code JobBase}), which would leave every job body validated as a bare {@code JobBase}. Put them back, with the
     * discriminator property required, as AutoRest treats it.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void restoreDiscriminators(OpenAPI api, JsonNode swagger) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        for (Map.Entry<String, JsonNode> e : swagger.path("definitions").properties()) {
            JsonNode d = e.getValue().path("discriminator");
            Schema s = schemas.get(e.getKey());
            if (!d.isTextual() || s == null) {
                continue;
            }
            if (s.getDiscriminator() == null) {
                s.setDiscriminator(new Discriminator().propertyName(d.asText()));
            }
            if (s.getRequired() == null || !s.getRequired().contains(d.asText())) {
                s.addRequiredItem(d.asText());
            }
        }
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private static void addDiscriminatorMappings(OpenAPI api) {
        Map<String, Schema> schemas = api.getComponents().getSchemas();
        // a discriminator property must be an inline string: AutoRest specs often $ref a string enum instead
        for (Schema s : schemas.values()) {
            Discriminator d = s.getDiscriminator();
            Map<String, Schema> props = s.getProperties();
            if (d == null || props == null || !props.containsKey(d.getPropertyName())) {
                continue;
            }
            Schema prop = props.get(d.getPropertyName());
            if (prop.get$ref() != null) {
                Schema target = schemas.get(prop.get$ref().substring(prop.get$ref().lastIndexOf('/') + 1));
                if (target != null && "string".equals(target.getType())) {
                    Schema inline = new io.swagger.v3.oas.models.media.StringSchema();
                    inline.setEnum(target.getEnum());
                    props.put(d.getPropertyName(), inline);
                }
            }
        }
        Map<String, List<String>> parents = new LinkedHashMap<>();
        for (Map.Entry<String, Schema> e : schemas.entrySet()) {
            Schema s = e.getValue();
            if (s instanceof ComposedSchema c && c.getAllOf() != null) {
                List<String> refs = new ArrayList<>();
                for (Schema part : c.getAllOf()) {
                    if (part.get$ref() != null) {
                        refs.add(part.get$ref().substring(part.get$ref().lastIndexOf('/') + 1));
                    }
                }
                parents.put(e.getKey(), refs);
            }
        }
        for (Map.Entry<String, Schema> e : schemas.entrySet()) {
            Map<String, Object> ext = e.getValue().getExtensions();
            Object value = ext == null ? null : ext.get("x-ms-discriminator-value");
            if (value == null) {
                continue;
            }
            List<String> todo = new ArrayList<>(parents.getOrDefault(e.getKey(), List.of()));
            while (!todo.isEmpty()) {
                String parentName = todo.remove(0);
                Schema parent = schemas.get(parentName);
                if (parent == null) {
                    continue;
                }
                Discriminator d = parent.getDiscriminator();
                if (d != null) {
                    d.mapping(value.toString(), "#/components/schemas/" + e.getKey());
                }
                todo.addAll(parents.getOrDefault(parentName, List.of()));
            }
        }
    }

    /**
     * @param path a request path (no query)
     * @return whether an operation of the spec covers this path
     */
    public boolean covers(String path) {
        return apis.stream().anyMatch(a -> a.paths.stream().anyMatch(p -> p.matcher(path).matches()));
    }

    private Api apiFor(String path) {
        return apis.stream().filter(a -> a.paths.stream().anyMatch(p -> p.matcher(path).matches())).findFirst()
                .orElse(null);
    }

    /**
     * Validates a request.
     *
     * @param method the HTTP method
     * @param path the path, without query
     * @param query the query parameters
     * @param body the request body, or {@code null}
     * @return the problems found, empty when the request follows the spec
     */
    public List<String> validateRequest(String method, String path, Map<String, String> query, String body) {
        Api api = apiFor(path);
        if (api == null) {
            return List.of("no operation of the spec matches " + method + " " + path);
        }
        SimpleRequest.Builder rb = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
        query.forEach(rb::withQueryParam);
        if (body != null && !body.isEmpty()) {
            rb.withBody(body).withContentType("application/json");
        }
        return problems(api, method + " " + path, api.validator.validateRequest(rb.build()));
    }

    /**
     * Validates a response.
     *
     * @param method the HTTP method of the request
     * @param path the request path, without query
     * @param status the response status
     * @param body the response body, or {@code null}
     * @return the problems found, empty when the response follows the spec
     */
    public List<String> validateResponse(String method, String path, int status, String body) {
        Api api = apiFor(path);
        if (api == null) {
            return List.of("no operation of the spec matches " + method + " " + path);
        }
        SimpleResponse.Builder resp = SimpleResponse.Builder.status(status);
        if (body != null && !body.isEmpty()) {
            resp.withBody(body).withContentType("application/json");
        }
        return problems(api, method + " " + path + " -> " + status,
                api.validator.validateResponse(path, Request.Method.valueOf(method), resp.build()));
    }

    private static List<String> problems(Api api, String what, ValidationReport report) {
        List<String> problems = new ArrayList<>();
        for (ValidationReport.Message m : report.getMessages()) {
            if (m.getLevel() == ValidationReport.Level.ERROR) {
                StringBuilder b = new StringBuilder(api.file + ": " + what + ": " + m.getKey() + ": "
                        + m.getMessage());
                appendNested(b, m, 1);
                problems.add(b.toString());
            }
        }
        return problems;
    }

    private static void appendNested(StringBuilder b, ValidationReport.Message m, int depth) {
        for (ValidationReport.Message n : m.getNestedMessages()) {
            b.append('\n').append("    ".repeat(depth)).append(n.getMessage());
            if (depth < 8) {
                appendNested(b, n, depth + 1);
            }
        }
    }

    /**
     * Validates one request and its response.
     *
     * @return the problems found in either, empty when the interaction follows the spec
     */
    public List<String> validate(String method, String path, Map<String, String> query, String requestBody,
            int status, String responseBody) {
        List<String> all = new ArrayList<>(validateRequest(method, path, query, requestBody));
        all.addAll(validateResponse(method, path, status, responseBody));
        return all;
    }
}
