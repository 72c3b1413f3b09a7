package dev.containerrunner.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.containerrunner.plugin.execution.TestContext;
import dev.containerrunner.plugin.policy.PolicyDeniedException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** With network_allowed, bridge works for real; host still needs its own opt-in. */
class NetworkPolicyIT extends DockerIT {

    @BeforeAll
    static void allowBridge() {
        app.close();
        Map<String, Object> config = baseConfig();
        config.put("network_allowed", true);
        start(config);
    }

    @Test
    void bridgeGivesAnInterfaceAndNoneOnlyLoopback() {
        Map<String, Object> bridge = call("run_container", new TestContext("bridge"), "image", TestImages.BUSYBOX,
                "command", List.of("ls", "/sys/class/net"), "network", "bridge");
        assertTrue(((String) bridge.get("stdout")).contains("eth0"), (String) bridge.get("stdout"));
        Map<String, Object> none = call("run_container", new TestContext("none"), "image", TestImages.BUSYBOX,
                "command", List.of("ls", "/sys/class/net"));
        assertEquals("lo\n", none.get("stdout"));
    }

    @Test
    void hostNeedsItsOwnOptIn() {
        PolicyDeniedException e = assertThrows(PolicyDeniedException.class, () -> call("run_container",
                new TestContext("host"), "image", TestImages.BUSYBOX, "network", "host"));
        assertEquals("network", e.parameter());
        assertTrue(e.getMessage().contains("host_network_allowed"));
    }
}
