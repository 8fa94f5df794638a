package io.dbops.schemaoperator.testing;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The Pod Security Standards' "restricted" profile (which includes "baseline"), as the API server's
 * PodSecurity admission checks a Pod template in a namespace labelled
 * {@code pod-security.kubernetes.io/enforce: restricted}
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/). One checker for every
 * Pod the project makes: migration Jobs, managed instances' StatefulSets and the chart's Deployment.
 */
public final class RestrictedPodSecurity {
  private static final Set<String> VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
      "persistentVolumeClaim", "projected", "secret");
  private static final Set<String> SAFE_SYSCTLS = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
      "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");

  private RestrictedPodSecurity() {}

  /** Every rule the Pod breaks, one line each; empty when the restricted profile admits it. */
  public static List<String> violations(PodSpec pod) {
    List<String> found = new ArrayList<>();
    if (Boolean.TRUE.equals(pod.getHostNetwork()) || Boolean.TRUE.equals(pod.getHostPID()) || Boolean.TRUE.equals(pod.getHostIPC())) {
      found.add("host namespaces: hostNetwork, hostPID and hostIPC must be unset or false");
    }
    PodSecurityContext podSecurity = pod.getSecurityContext();
    if (podSecurity != null && podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() == 0) {
      found.add("pod runAsUser 0 (root)");
    }
    if (podSecurity != null && podSecurity.getSysctls() != null) {
      podSecurity.getSysctls().stream().filter(s -> !SAFE_SYSCTLS.contains(s.getName()))
          .forEach(s -> found.add("sysctl " + s.getName() + " is not in the safe set"));
    }
    if (podSecurity != null && podSecurity.getSeLinuxOptions() != null && podSecurity.getSeLinuxOptions().getType() != null
        && !Set.of("container_t", "container_init_t", "container_kvm_t", "container_engine_t")
            .contains(podSecurity.getSeLinuxOptions().getType())) {
      found.add("pod SELinux type " + podSecurity.getSeLinuxOptions().getType());
    }
    for (Volume volume : pod.getVolumes() == null ? List.<Volume>of() : pod.getVolumes()) {
      String type = volumeType(volume);
      if (!VOLUME_TYPES.contains(type)) {
        found.add("volume " + volume.getName() + " of type " + type);
      }
    }
    boolean podNonRoot = podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot());
    String podSeccomp = seccomp(podSecurity == null ? null : podSecurity.getSeccompProfile());
    List<Container> containers = Stream.of(pod.getInitContainers(), pod.getContainers())
        .filter(java.util.Objects::nonNull).flatMap(List::stream).toList();
    if (containers.isEmpty()) {
      found.add("no containers");
    }
    for (Container container : containers) {
      String name = "container " + container.getName() + ": ";
      SecurityContext security = container.getSecurityContext();
      if (security == null) {
        found.add(name + "no securityContext (allowPrivilegeEscalation false and capabilities drop ALL are required)");
        continue;
      }
      if (Boolean.TRUE.equals(security.getPrivileged())) {
        found.add(name + "privileged");
      }
      if (!Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
        found.add(name + "allowPrivilegeEscalation must be false");
      }
      boolean nonRoot = security.getRunAsNonRoot() != null ? security.getRunAsNonRoot() : podNonRoot;
      if (!nonRoot) {
        found.add(name + "runAsNonRoot must be true (on the container or the pod)");
      }
      if (security.getRunAsUser() != null && security.getRunAsUser() == 0) {
        found.add(name + "runAsUser 0 (root)");
      }
      String containerSeccomp = seccomp(security.getSeccompProfile());
      String effective = containerSeccomp != null ? containerSeccomp : podSeccomp;
      if (!"RuntimeDefault".equals(effective) && !"Localhost".equals(effective)) {
        found.add(name + "seccompProfile must be RuntimeDefault or Localhost (on the container or the pod), is " + effective);
      }
      Capabilities capabilities = security.getCapabilities();
      if (capabilities == null || capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
        found.add(name + "capabilities must drop ALL");
      }
      if (capabilities != null && capabilities.getAdd() != null) {
        capabilities.getAdd().stream().filter(c -> !c.equals("NET_BIND_SERVICE"))
            .forEach(c -> found.add(name + "adds capability " + c));
      }
      if (security.getProcMount() != null && !"Default".equals(security.getProcMount())) {
        found.add(name + "procMount " + security.getProcMount());
      }
      if (security.getAppArmorProfile() != null && "Unconfined".equals(security.getAppArmorProfile().getType())) {
        found.add(name + "AppArmor Unconfined");
      }
      for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
        if (port.getHostPort() != null && port.getHostPort() != 0) {
          found.add(name + "hostPort " + port.getHostPort());
        }
      }
    }
    return found;
  }

  private static String seccomp(SeccompProfile profile) {
    return profile == null ? null : profile.getType();
  }

  private static String volumeType(Volume volume) {
    if (volume.getConfigMap() != null) {
      return "configMap";
    }
    if (volume.getCsi() != null) {
      return "csi";
    }
    if (volume.getDownwardAPI() != null) {
      return "downwardAPI";
    }
    if (volume.getEmptyDir() != null) {
      return "emptyDir";
    }
    if (volume.getEphemeral() != null) {
      return "ephemeral";
    }
    if (volume.getPersistentVolumeClaim() != null) {
      return "persistentVolumeClaim";
    }
    if (volume.getProjected() != null) {
      return "projected";
    }
    if (volume.getSecret() != null) {
      return "secret";
    }
    if (volume.getHostPath() != null) {
      return "hostPath";
    }
    return "other";
  }
}
