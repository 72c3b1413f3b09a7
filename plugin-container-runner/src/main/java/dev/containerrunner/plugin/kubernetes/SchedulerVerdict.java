package dev.containerrunner.plugin.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the scheduler's verdict on a pending pod (its {@code PodScheduled} condition) and tells
 * whether waiting can change it. It cannot when every node was ruled out by the pod's placement
 * alone — a taint the pod does not tolerate, a node selector or node affinity no node matches —
 * since those are properties of the nodes that exist, not of the load on them. Any other reason
 * (e.g. {@code Insufficient cpu}, a cordoned node, the node lifecycle's own {@code node.kubernetes.io/*}
 * taints such as {@code not-ready}) may pass, so the run keeps waiting up to its start timeout.
 * Pure: reads the pod, does no I/O.
 */
final class SchedulerVerdict {

    /** Reasons (Kubernetes 1.20 and later wordings) that only the set of nodes, not time, can change. */
    private static final List<Pattern> PLACEMENT = List.of(
            Pattern.compile("node\\(s\\) had (untolerated )?taints?\\b.*"),
            Pattern.compile("node\\(s\\) didn't match (node selector|Pod's node affinity.*)"),
            Pattern.compile("node\\(s\\) didn't satisfy plugin\\(s\\) \\[NodeAffinity\\]"));
    /** Taints the node lifecycle sets for a while (not ready, unreachable, pressure, cordoned, uninitialised): they pass. */
    private static final Pattern TRANSIENT_TAINT = Pattern.compile(".*\\{(node\\.kubernetes\\.io/|node\\.cloudprovider\\.kubernetes\\.io/).*");
    private static final Pattern AVAILABLE = Pattern.compile("^0/\\d+ nodes are available: ");
    private static final Pattern COUNTED = Pattern.compile(", (?=\\d+ )");

    private SchedulerVerdict() {
    }

    /**
     * The scheduler's message when {@code pod} is unschedulable on every node for placement reasons
     * only; empty while it is scheduled, not yet judged, or may fit later.
     */
    static Optional<String> placementRefused(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()) && "Unschedulable".equals(c.getReason())
                    && c.getMessage() != null && onlyPlacement(c.getMessage())) {
                return Optional.of(c.getMessage().strip());
            }
        }
        return Optional.empty();
    }

    /** Whether the message, {@code 0/N nodes are available: A reason, B reason.}, lists only placement reasons. */
    static boolean onlyPlacement(String message) {
        String m = message.strip();
        int preemption = m.indexOf(" preemption:");
        if (preemption >= 0) {
            m = m.substring(0, preemption).strip(); // later versions append what preemption would do
        }
        if (!AVAILABLE.matcher(m).find()) {
            return false;
        }
        m = AVAILABLE.matcher(m).replaceFirst("");
        if (m.endsWith(".")) {
            m = m.substring(0, m.length() - 1);
        }
        String[] reasons = COUNTED.split(m);
        for (String reason : reasons) {
            String r = reason.replaceFirst("^\\d+ ", "");
            if (PLACEMENT.stream().noneMatch(p -> p.matcher(r).matches()) || TRANSIENT_TAINT.matcher(r).matches()) {
                return false;
            }
        }
        return reasons.length > 0;
    }
}
