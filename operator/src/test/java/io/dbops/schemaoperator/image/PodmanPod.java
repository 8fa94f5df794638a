package io.dbops.schemaoperator.image;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a kubelet makes of a Pod's one container, as podman arguments: its user and group, a
 * read-only root, dropped capabilities and no privilege escalation from its security contexts;
 * ConfigMap and Secret volumes as read-only directories, emptyDirs as tmpfs; env values, Secret
 * references resolved; and a writable file at its terminationMessagePath. The Pod's network is the
 * host's, where the test's PostgreSQL and API server listen on the loopback address.
 *
 * @param configMaps name to data, for the ConfigMap volumes
 * @param secrets name to data, for the Secret volumes and secretKeyRef env
 */
record PodmanPod(PodSpec pod, Map<String, Map<String, String>> configMaps, Map<String, Map<String, String>> secrets) {

  /** The arguments of {@code podman run} up to the image (exclusive), files made under {@code scratch}. */
  List<String> runArguments(Path scratch, Path terminationMessage) throws IOException {
    Container container = pod.getContainers().get(0);
    List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "host"));
    PodSecurityContext podSecurity = pod.getSecurityContext();
    if (podSecurity != null && podSecurity.getRunAsUser() != null) {
      args.add("--user");
      args.add(podSecurity.getRunAsUser() + ":" + podSecurity.getRunAsGroup());
    }
    SecurityContext security = container.getSecurityContext();
    if (security != null) {
      if (Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
        args.add("--read-only");
      }
      if (Boolean.FALSE.equals(security.getAllowPrivilegeEscalation())) {
        args.addAll(List.of("--security-opt", "no-new-privileges"));
      }
      if (security.getCapabilities() != null && security.getCapabilities().getDrop() != null) {
        security.getCapabilities().getDrop().forEach(cap -> args.add("--cap-drop=" + cap));
      }
    }
    for (VolumeMount mount : container.getVolumeMounts()) {
      Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
          .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
      if (volume.getEmptyDir() != null) {
        args.addAll(List.of("--tmpfs", mount.getMountPath() + ":rw,mode=1777"));
      } else if (volume.getConfigMap() != null) {
        Path dir = files(scratch.resolve(volume.getName()), configMaps.get(volume.getConfigMap().getName()),
            volume.getConfigMap().getItems());
        args.addAll(List.of("--volume", dir + ":" + mount.getMountPath() + ":ro"));
      } else if (volume.getSecret() != null) {
        Path dir = files(scratch.resolve(volume.getName()), secrets.get(volume.getSecret().getSecretName()),
            volume.getSecret().getItems());
        args.addAll(List.of("--volume", dir + ":" + mount.getMountPath() + ":ro"));
      } else {
        throw new AssertionError("volume " + volume.getName() + " is of a kind this stand-in does not mount");
      }
    }
    for (EnvVar env : container.getEnv()) {
      args.add("--env");
      args.add(env.getName() + "=" + value(env));
    }
    Files.writeString(terminationMessage, "");
    // The kubelet's file is writable by whatever user the container runs as.
    Files.setPosixFilePermissions(terminationMessage, PosixFilePermissions.fromString("rw-rw-rw-"));
    args.addAll(List.of("--volume", terminationMessage + ":" + container.getTerminationMessagePath()));
    return args;
  }

  private String value(EnvVar env) {
    if (env.getValueFrom() == null) {
      return env.getValue() == null ? "" : env.getValue();
    }
    var ref = env.getValueFrom().getSecretKeyRef();
    if (ref == null || !secrets.containsKey(ref.getName()) || !secrets.get(ref.getName()).containsKey(ref.getKey())) {
      throw new AssertionError("env " + env.getName() + " refers to nothing given: " + env.getValueFrom());
    }
    return secrets.get(ref.getName()).get(ref.getKey());
  }

  private static Path files(Path dir, Map<String, String> data, List<KeyToPath> items) {
    if (data == null) {
      throw new AssertionError("a volume refers to a ConfigMap or Secret the test did not give: " + dir.getFileName());
    }
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      for (Map.Entry<String, String> e : data.entrySet()) {
        String path = items == null || items.isEmpty() ? e.getKey()
            : items.stream().filter(i -> i.getKey().equals(e.getKey())).map(KeyToPath::getPath).findFirst().orElse(null);
        if (path != null) {
          Path file = dir.resolve(path);
          Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
