package dev.containerrunner.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KwargsValidatorTest {

    private final ActionDefinition action = ActionDefinition.builder("run")
            .description("d")
            .parameter(ParameterSpec.required("image", ParameterType.STRING, "image"))
            .parameter(ParameterSpec.optional("timeout_seconds", ParameterType.INTEGER, 300, "t"))
            .parameter(ParameterSpec.optional("cpu_limit", ParameterType.NUMBER, 1.0, "c"))
            .parameter(ParameterSpec.optional("command", ParameterType.LIST, null, "c"))
            .handler((k, c) -> Map.of())
            .build();

    @Test
    void fillsDefaults() {
        Map<String, Object> out = KwargsValidator.validate(action, Map.of("image", "x"));
        assertEquals(300, out.get("timeout_seconds"));
        assertEquals(1.0, out.get("cpu_limit"));
        assertTrue(!out.containsKey("command"));
    }

    @Test
    void integerIsANumberButNotViceVersa() {
        KwargsValidator.validate(action, Map.of("image", "x", "cpu_limit", 2));
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> KwargsValidator.validate(action, Map.of("image", "x", "timeout_seconds", 2.5)));
        assertEquals("timeout_seconds", e.parameter());
        assertTrue(e.getMessage().contains("integer"), e.getMessage());
    }

    @Test
    void wrongTypeNamesParameterAndTypes() {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> KwargsValidator.validate(action, Map.of("image", "x", "command", "echo hi")));
        assertEquals("run: parameter 'command' must be a list, got string", e.getMessage());
    }

    @Test
    void unknownListsAllowed() {
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                () -> KwargsValidator.validate(action, Map.of("image", "x", "imgae", "y")));
        assertEquals("imgae", e.parameter());
        assertTrue(e.getMessage().contains("[command, cpu_limit, image, timeout_seconds]"), e.getMessage());
    }

    @Test
    void anOptionalParameterGivenAsNullIsRefusedNotDefaulted() {
        Map<String, Object> kwargs = new HashMap<>();
        kwargs.put("image", "x");
        kwargs.put("timeout_seconds", null);
        InvalidKwargsException e = assertThrows(InvalidKwargsException.class, () -> KwargsValidator.validate(action, kwargs));
        assertEquals("timeout_seconds", e.parameter());
        assertTrue(e.getMessage().contains("must not be null; leave it out to use its default"), e.getMessage());
    }

    @Test
    void requiredNullOrMissingIsRefused() {
        Map<String, Object> kwargs = new HashMap<>();
        kwargs.put("image", null);
        assertEquals("image", assertThrows(InvalidKwargsException.class,
                () -> KwargsValidator.validate(action, kwargs)).parameter());
        assertEquals("image", assertThrows(InvalidKwargsException.class,
                () -> KwargsValidator.validate(action, Map.of("command", List.of()))).parameter());
    }
}
