package dev.containerrunner.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** JSON and YAML reading and writing for the engine. */
public final class Json {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /** Reads a YAML ({@code .yaml}/{@code .yml}) or JSON file whose top level is an object. */
    public static Map<String, Object> readObjectFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new WorkflowDefinitionException(what + " " + file + " does not exist");
        }
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper = lower.endsWith(".yaml") || lower.endsWith(".yml") ? YAML : JSON;
        try {
            Map<String, Object> map = mapper.readValue(file.toFile(), MAP);
            if (map == null) {
                throw new WorkflowDefinitionException(what + " " + file + " is empty");
            }
            return map;
        } catch (IOException e) {
            throw new WorkflowDefinitionException(what + " " + file + " cannot be parsed: " + e.getMessage(), e);
        }
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
