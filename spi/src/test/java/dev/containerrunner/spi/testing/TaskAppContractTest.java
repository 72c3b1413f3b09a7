package dev.containerrunner.spi.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.spi.ActionContext;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ActionRegistry;
import dev.containerrunner.spi.CancellationSource;
import dev.containerrunner.spi.DuplicateActionException;
import dev.containerrunner.spi.Identifiers;
import dev.containerrunner.spi.InvalidKwargsException;
import dev.containerrunner.spi.KwargsValidator;
import dev.containerrunner.spi.ParameterSpec;
import dev.containerrunner.spi.TaskApp;
import dev.containerrunner.spi.UnknownActionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TaskApp} must show, whatever it does. Subclass it in the app's tests
 * (it ships in the SPI's test-jar) and say which app and which actions to expect:
 *
 * <pre>{@code
 * class EchoAppContractTest extends TaskAppContractTest {
 *     protected TaskApp newApp() { return new EchoApp(); }
 *     protected Set<String> expectedActions() { return Set.of("say"); }
 * }
 * }</pre>
 */
public abstract class TaskAppContractTest {

    /** A fresh, unconfigured instance of the app under test. */
    protected abstract TaskApp newApp();

    /** The action names the app must register. */
    protected abstract Set<String> expectedActions();

    @Test
    void constructionIsTrivialAndCloseIsIdempotent() {
        long start = System.nanoTime();
        TaskApp app = newApp();
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis < 2_000, "constructing the app took " + millis + " ms; do work lazily");
        app.close();
        app.close();
    }

    @Test
    void identityIsWellFormed() {
        TaskApp app = newApp();
        assertTrue(Identifiers.isIdentifier(app.publisher()), "publisher: " + app.publisher());
        assertTrue(Identifiers.isIdentifier(app.name()), "name: " + app.name());
        assertNotNull(app.version());
        assertFalse(app.version().isBlank());
        assertEquals(app.publisher() + "." + app.name(), app.id());
    }

    @Test
    void isDiscoverableThroughServiceLoader() {
        Class<? extends TaskApp> type = newApp().getClass();
        boolean found = ServiceLoader.load(TaskApp.class).stream().anyMatch(p -> p.type().equals(type));
        assertTrue(found, type.getName() + " is not registered with ServiceLoader (@AutoService(TaskApp.class))");
    }

    @Test
    void registersTheExpectedActionsWithWellFormedParameters() {
        ActionRegistry registry = ActionRegistry.of(newApp());
        Set<String> names = new java.util.TreeSet<>();
        for (ActionDefinition action : registry.actions()) {
            names.add(action.name());
            assertFalse(action.description().isBlank(), action.name() + " needs a description");
            for (ParameterSpec p : action.parameters()) {
                assertFalse(p.doc().isBlank(), action.name() + "." + p.name() + " needs a doc line");
            }
        }
        assertEquals(new java.util.TreeSet<>(expectedActions()), names);
    }

    @Test
    void registeringAnActionTwiceIsRefused() {
        TaskApp app = newApp();
        ActionRegistry registry = ActionRegistry.of(app);
        ActionDefinition first = registry.actions().iterator().next();
        DuplicateActionException e = assertThrows(DuplicateActionException.class, () -> registry.register(first));
        assertEquals(first.name(), e.actionName());
    }

    @Test
    void unknownActionsAreRefusedByName() {
        ActionRegistry registry = ActionRegistry.of(newApp());
        UnknownActionException e = assertThrows(UnknownActionException.class, () -> registry.get("no_such_action"));
        assertEquals("no_such_action", e.actionName());
    }

    @Test
    void unknownAndMissingKwargsAreRefusedNamingTheParameter() {
        for (ActionDefinition action : ActionRegistry.of(newApp()).actions()) {
            Map<String, Object> kwargs = minimalKwargs(action);
            kwargs.put("definitely_not_a_parameter", 1);
            InvalidKwargsException unknown = assertThrows(InvalidKwargsException.class,
                    () -> KwargsValidator.validate(action, kwargs));
            assertEquals("definitely_not_a_parameter", unknown.parameter());

            List<ParameterSpec> required = action.parameters().stream().filter(ParameterSpec::required).toList();
            for (ParameterSpec missing : required) {
                Map<String, Object> without = minimalKwargs(action);
                without.remove(missing.name());
                InvalidKwargsException e = assertThrows(InvalidKwargsException.class,
                        () -> KwargsValidator.validate(action, without));
                assertEquals(missing.name(), e.parameter());
            }
        }
    }

    @Test
    void aTaskThatDidNotStartIsAcceptedForEveryAction() {
        TaskApp app = newApp();
        try {
            for (ActionDefinition action : ActionRegistry.of(app).actions()) {
                ActionContext ctx = ActionContext.of("contract", "run-1", "t-" + action.name(), (stream, line) -> { },
                        new CancellationSource(), Map.of());
                app.taskNotStarted(ctx, action.name(), "reference {{ a.b }} does not resolve: the result of 'a' has no value at 'b'");
            }
        } finally {
            app.close();
        }
    }

    /** Kwargs holding a type-correct placeholder for each required parameter. */
    protected Map<String, Object> minimalKwargs(ActionDefinition action) {
        Map<String, Object> kwargs = new HashMap<>();
        for (ParameterSpec p : action.parameters()) {
            if (p.required()) {
                kwargs.put(p.name(), switch (p.type()) {
                    case STRING, ANY -> "x";
                    case INTEGER -> 1;
                    case NUMBER -> 1.0;
                    case BOOLEAN -> true;
                    case LIST -> List.of();
                    case MAP -> Map.of();
                });
            }
        }
        return kwargs;
    }
}
