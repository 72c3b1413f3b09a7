package dev.containerrunner.plugin;

import java.util.Map;

/** Secrets on the real Docker engine under gVisor ({@code runtime: runsc}, see {@link GvisorBehaviourIT}). */
class GvisorSecretsIT extends DockerSecretsIT {

    @Override
    protected Map<String, Object> configuration(Map<String, Object> base) {
        Map<String, Object> c = super.configuration(base);
        c.put("runtime", "runsc");
        c.put("pids_limit", 1024);
        return c;
    }
}
