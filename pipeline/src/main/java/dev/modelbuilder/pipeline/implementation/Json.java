package dev.modelbuilder.pipeline.implementation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The module's JSON: reading is strict about syntax (duplicate keys, trailing tokens, nesting depth and string length
 * bounded) and lenient about unknown fields; writing is indented.
 *
 * <p>Reading builds Jackson's tree with the streaming parser of jackson-core and the node factory alone, not an
 * {@link ObjectMapper}: a mapper's first use loads and links about 400 classes (about 0.3 s on a cold JVM), paid
 * on every load of a model package for two small documents. The mapper is built only when something is written.
 */
public final class Json {
    private static final JsonFactory READER = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(64)
                    .maxStringLength(1 << 20)
                    .build())
            .build();

    private Json() {
    }

    /** Built on first use: reading never needs it. */
    private static final class Writer {
        static final ObjectMapper MAPPER = JsonMapper.builder(READER)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    /**
     * @param text JSON text
     * @return its tree, or null when the text holds no value
     * @throws JsonProcessingException when the text is not valid JSON, has a key twice in one object, has anything
     *     after its value, or exceeds the depth and length limits
     */
    public static JsonNode readTree(String text) throws JsonProcessingException {
        try (JsonParser p = READER.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return null;
            }
            JsonNode root = value(p, first);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, "Trailing token (of type " + trailing + ") found after the value");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            // a String source does no I/O; anything else is a parse problem reported as such
            throw new JsonParseException(null, e.getMessage(), e);
        }
    }

    private static JsonNode value(JsonParser p, JsonToken token) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    object.set(name, value(p, p.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(value(p, t));
                }
                yield array;
            }
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> throw new JsonParseException(p, "Unexpected token " + token);
        };
    }

    /** @return a new, empty object node */
    public static ObjectNode createObjectNode() {
        return JsonNodeFactory.instance.objectNode();
    }

    /**
     * @param value what to write
     * @return indented JSON
     * @throws JsonProcessingException when the value cannot be written
     */
    public static String write(Object value) throws JsonProcessingException {
        return Writer.MAPPER.writeValueAsString(value);
    }

    /**
     * @param value what to write
     * @return JSON on one line
     * @throws JsonProcessingException when the value cannot be written
     */
    public static String writeCompact(Object value) throws JsonProcessingException {
        return Writer.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    }
}
