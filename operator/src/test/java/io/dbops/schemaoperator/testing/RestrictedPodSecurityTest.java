package io.dbops.schemaoperator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The restricted-profile checker finds what PodSecurity admission would refuse, and passes what it admits. */
class RestrictedPodSecurityTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String RESTRICTED = """
      securityContext: {runAsNonRoot: true, runAsUser: 999, seccompProfile: {type: RuntimeDefault}}
      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}, {name: tmp, emptyDir: {}}]
      containers:
        - name: db
          image: postgres:16
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
      """;

  @Test
  void a_pod_that_meets_the_restricted_profile_has_no_violation() {
    assertThat(RestrictedPodSecurity.violations(pod(RESTRICTED))).isEmpty();
    assertThat(RestrictedPodSecurity.violations(pod("""
        containers:
          - name: app
            image: x
            securityContext:
              runAsNonRoot: true
              allowPrivilegeEscalation: false
              seccompProfile: {type: Localhost, localhostProfile: p.json}
              capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
        """))).as("everything on the container instead of the pod").isEmpty();
  }

  @Test
  void each_rule_of_the_profile_is_found_when_broken() {
    Map<String, String> broken = Map.ofEntries(
        Map.entry("runAsNonRoot must be true", RESTRICTED.replace("runAsNonRoot: true, ", "")),
        Map.entry("pod runAsUser 0", RESTRICTED.replace("runAsUser: 999", "runAsUser: 0")),
        Map.entry("seccompProfile must be RuntimeDefault", RESTRICTED.replace("RuntimeDefault", "Unconfined")),
        Map.entry("allowPrivilegeEscalation must be false", RESTRICTED.replace("allowPrivilegeEscalation: false, ", "")),
        Map.entry("capabilities must drop ALL", RESTRICTED.replace("drop: [ALL]", "drop: [NET_RAW]")),
        Map.entry("adds capability SYS_ADMIN", RESTRICTED.replace("drop: [ALL]", "drop: [ALL], add: [SYS_ADMIN]")),
        Map.entry("privileged", RESTRICTED.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: false, privileged: true")),
        Map.entry("volume host of type hostPath", RESTRICTED.replace("{name: tmp, emptyDir: {}}", "{name: host, hostPath: {path: /}}")),
        Map.entry("host namespaces", "hostNetwork: true\n" + RESTRICTED),
        Map.entry("hostPort 5432", RESTRICTED.replace("image: postgres:16", "image: postgres:16\n    ports: [{containerPort: 5432, hostPort: 5432}]")),
        Map.entry("no securityContext", RESTRICTED + "  - {name: sidecar, image: x}\n"),
        Map.entry("container copy: allowPrivilegeEscalation", RESTRICTED + """
            initContainers:
              - name: copy
                image: x
                securityContext: {capabilities: {drop: [ALL]}}
            """));
    broken.forEach((expected, yaml) -> assertThat(RestrictedPodSecurity.violations(pod(yaml)))
        .as(expected).anySatisfy(v -> assertThat(v).contains(expected)));
  }

  private static PodSpec pod(String yaml) {
    return SERIALIZATION.unmarshal(yaml, PodSpec.class);
  }
}
