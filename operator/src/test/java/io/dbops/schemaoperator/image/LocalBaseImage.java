package io.dbops.schemaoperator.image;

import io.dbops.schemaoperator.migration.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The stand-in for the Dockerfile's default base, eclipse-temurin:25-jre, which cannot be pulled on
 * these machines: a Debian root made by mmdebstrap with the machine's Temurin 25 JDK where Temurin's
 * images keep their Java (/opt/java/openjdk, on the PATH) and their locale (en_US.UTF-8, which the
 * training run's PostgreSQL needs to exist). Variant minbase, like Ubuntu's base image: the embedded
 * PostgreSQL of the training run needs libstdc++, which comes with apt there and here. The same
 * Temurin JVM as the default base; what differs: Debian 12 instead of Ubuntu 24.04, and a JDK (more
 * modules and tools) instead of a JRE.
 *
 * Built once per recipe: the tag carries a hash of the commands and of the JDK's release file, so a
 * later run, or CI on the same machine, reuses it, and any change to either builds a new one.
 */
final class LocalBaseImage {
  static final Path JDK = Path.of(System.getProperty("image.jdk", "/usr/lib/jvm/temurin-25-jdk-amd64"));
  private static final String REPOSITORY = "localhost/schema-operator-test-base";

  private LocalBaseImage() {}

  /** The base image's name, built first when this recipe has not been built on this machine. */
  static String ensure() {
    if (!Files.isRegularFile(JDK.resolve("bin/java")) || !Files.isRegularFile(JDK.resolve("release"))) {
      throw new AssertionError("no Java 25 JDK at " + JDK + " to put in the base image: these machines have Temurin's"
          + " there; elsewhere pass -Dimage.jdk=<a Java 25 JDK or JRE for linux-amd64>");
    }
    List<String> changes = List.of(
        "--change", "ENV JAVA_HOME=/opt/java/openjdk",
        "--change", "ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        // one variable per ENV: podman import reads the rest of the line as the value
        "--change", "ENV LANG=en_US.UTF-8", "--change", "ENV LANGUAGE=en_US:en", "--change", "ENV LC_ALL=en_US.UTF-8");
    String tag = REPOSITORY + ":" + Sha256.hex(String.join("\n", mmdebstrap(Path.of("root.tar"))) + "\n"
        + String.join("\n", changes) + "\n" + read(JDK.resolve("release"))).substring(0, 16);
    if (Podman.run(Duration.ofMinutes(1), List.of("image", "exists", tag)).exitCode() == 0) {
      return tag;
    }
    try {
      Path dir = Files.createTempDirectory("base-image");
      Path tar = dir.resolve("root.tar");
      try {
        Podman.exec(Duration.ofMinutes(10), mmdebstrap(tar), null).orFail("mmdebstrap (the base image's Debian root)");
        List<String> importing = new ArrayList<>(List.of("import"));
        importing.addAll(changes);
        importing.addAll(List.of(tar.toString(), tag));
        Podman.run(Duration.ofMinutes(5), importing).orFail("podman import of the base image");
      } finally {
        Files.deleteIfExists(tar);
        Files.deleteIfExists(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tag;
  }

  private static List<String> mmdebstrap(Path tar) {
    return List.of("mmdebstrap", "--quiet", "--variant=minbase", "--include=ca-certificates,tzdata,locales",
        "--customize-hook=mkdir -p \"$1/opt/java\" && cp -a '" + JDK + "' \"$1/opt/java/openjdk\"",
        "--customize-hook=echo 'en_US.UTF-8 UTF-8' > \"$1/etc/locale.gen\" && chroot \"$1\" locale-gen",
        "bookworm", tar.toString());
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
