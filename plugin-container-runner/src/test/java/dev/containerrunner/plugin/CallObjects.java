package dev.containerrunner.plugin;

import dev.containerrunner.plugin.docker.DockerGateway;
import dev.containerrunner.plugin.execution.Labels;
import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.spi.ActionContext;
import java.util.Map;
import java.util.UUID;

/**
 * The objects one call could have created: those labelled with its context's workflow, run and
 * task. A "this refused call created nothing" check counts these, not every runner object in the
 * engine or namespace, which an earlier test's objects still being removed (a pod terminating for
 * its grace period, a Secret the garbage collector removes after its Job) would change under it.
 */
final class CallObjects {

    /** Kubernetes label values: at most 63 characters of these, alphanumeric at both ends. */
    private static final String LABEL_VALUE = "([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?";

    private CallObjects() {
    }

    /**
     * A context whose task id (and so run id, {@code run-<task>}) no other context has: {@code name}
     * and a random suffix. Its ids are valid Kubernetes label values, so the labels carry them
     * exactly and a selector on them finds this call's objects.
     *
     * @throws IllegalArgumentException when {@code name} would make an id that is no label value
     */
    static TestContext uniqueContext(String name) {
        TestContext ctx = new TestContext(name + "-" + UUID.randomUUID().toString().substring(0, 8));
        for (String id : new String[] {ctx.workflowName(), ctx.runId(), ctx.taskId()}) {
            if (id.length() > 63 || !id.matches(LABEL_VALUE)) {
                throw new IllegalArgumentException("not a label value, use a shorter plain name: " + id);
            }
        }
        return ctx;
    }

    /** The labels every object a call with {@code ctx} creates carries, with their exact values. */
    static Map<String, String> labels(ActionContext ctx) {
        return Map.of(Labels.MANAGED_BY, Labels.APP, Labels.WORKFLOW, ctx.workflowName(), Labels.RUN, ctx.runId(),
                Labels.TASK, ctx.taskId());
    }

    /** The containers and volumes on the Docker engine labelled with {@code ctx}'s workflow, run and task. */
    static int docker(DockerGateway g, ActionContext ctx) {
        return g.findContainers(labels(ctx)).size() + g.findVolumes(labels(ctx)).size();
    }
}
