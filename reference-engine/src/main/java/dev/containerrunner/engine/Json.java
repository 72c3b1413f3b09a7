package dev.containerrunner.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;

/** JSON and YAML reading and writing for the engine. */
public final class Json {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /**
     * Reads a YAML ({@code .yaml}/{@code .yml}) or JSON file whose top level is an object, as UTF-8
     * and strictly: duplicate keys, trailing content, YAML aliases/anchors/tags, and numbers that
     * would not arrive as written are refused (see {@link StrictDocuments}).
     *
     * @throws InvalidDocumentException naming the file, line and key at fault
     */
    public static Map<String, Object> readObjectFile(Path file, String what) {
        return StrictDocuments.readFile(file, what);
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-shaped: " + e.getMessage(), e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("value is not JSON-shaped: " + e.getMessage(), e);
        }
    }

    /** A deep, JSON-normalised copy of an action's result. */
    static Map<String, Object> normalise(Map<String, Object> result) {
        return JSON.convertValue(result, MAP);
    }
}
