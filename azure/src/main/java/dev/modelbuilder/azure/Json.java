package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ModelBuilderException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** The JSON helpers of the module: one configured mapper and null-safe readers. */
final class Json {
    /** Reads leniently (unknown fields are the norm in ARM answers). */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private Json() {
    }

    /** @return a new empty object node */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /**
     * @param node a node
     * @param pointer a JSON pointer, e.g. {@code /properties/provisioningState}
     * @return the text there, or {@code null}
     */
    static String text(JsonNode node, String pointer) {
        JsonNode n = node.at(pointer);
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    /**
     * @param node a node
     * @param pointer a JSON pointer
     * @param fallback the value when absent
     * @return the integer there, or the fallback
     */
    static int integer(JsonNode node, String pointer, int fallback) {
        JsonNode n = node.at(pointer);
        return n.isNumber() ? n.asInt() : n.isTextual() ? parseInt(n.asText(), fallback) : fallback;
    }

    private static int parseInt(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /**
     * @param node a node
     * @param pointer a JSON pointer to an ISO-8601 date-time
     * @return the instant, or {@code null}
     */
    static Instant instant(JsonNode node, String pointer) {
        String s = text(node, pointer);
        if (s == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /**
     * @param value an object to write
     * @return its JSON bytes
     */
    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ModelBuilderException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }
}
