package dev.containerrunner.engine.cli;

import dev.containerrunner.engine.HumanText;
import dev.containerrunner.engine.Json;
import dev.containerrunner.engine.Plan;
import dev.containerrunner.engine.Workflow;
import dev.containerrunner.engine.plugins.InstalledApp;
import dev.containerrunner.spi.ActionDefinition;
import dev.containerrunner.spi.ParameterSpec;
import java.util.Collection;

/** The {@code --format table} answers of {@code apps} and {@code validate}: the same facts as their JSON. */
final class HumanTables {

    private HumanTables() {
    }

    /**
     * Each app (id, version, where it was loaded from), each action (function name, description) and
     * a table of its parameters: name, type, default ({@code required} when it has none to fall back
     * on, {@code -} for none) and the doc.
     *
     * @param width the widest a line may be (the terminal's width), 0 for no limit
     */
    static String apps(Collection<InstalledApp> apps, int width) {
        StringBuilder sb = new StringBuilder();
        for (InstalledApp installed : apps) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(TextTable.fit(TextTable.oneLine(installed.app().id() + " " + installed.app().version() + "  ("
                    + installed.source() + ")"), width)).append('\n');
            for (ActionDefinition action : installed.actions().actions()) {
                sb.append('\n').append(TextTable.fit(TextTable.oneLine("  apps." + installed.app().id() + "."
                                + action.name()), width))
                        .append('\n');
                if (!action.description().isEmpty()) {
                    sb.append(TextTable.fit("    " + TextTable.oneLine(action.description()), width)).append('\n');
                }
                if (action.parameters().isEmpty()) {
                    sb.append("    (no parameters)\n");
                    continue;
                }
                TextTable table = new TextTable("PARAMETER", "TYPE", "DEFAULT", "DOC");
                for (ParameterSpec p : action.parameters()) {
                    table.row(p.name(), p.type().jsonName(), defaultOf(p), p.doc());
                }
                sb.append(table.render("    ", width));
            }
        }
        return sb.length() == 0 ? "no apps installed\n" : sb.toString();
    }

    /**
     * A line saying the workflow is valid, then its tasks in plan order: task id, function, result
     * key and the tasks it depends on.
     *
     * @param width the widest a line may be (the terminal's width), 0 for no limit
     */
    static String validation(Workflow workflow, Plan plan, int width) {
        TextTable table = new TextTable("TASK", "FUNCTION", "RESULT KEY", "DEPENDS ON");
        for (Plan.PlannedTask t : plan.tasks()) {
            table.row(t.spec().taskId(), t.spec().function(), t.spec().resultKey() == null ? "-" : t.spec().resultKey(),
                    t.dependencies().isEmpty() ? "-" : String.join(", ", t.dependencies().stream().sorted().toList()));
        }
        int n = plan.tasks().size();
        return "workflow " + HumanText.line(workflow.name()) + " " + HumanText.line(workflow.version()) + ": valid, " + n
                + (n == 1 ? " task" : " tasks")
                + "\n" + table.render("", width);
    }

    private static String defaultOf(ParameterSpec p) {
        if (p.required()) {
            return "required";
        }
        Object value = p.defaultValue();
        if (value == null) {
            return "-";
        }
        return value instanceof String s ? s : Json.write(value);
    }
}
