package io.dbops.schemaoperator.controller.common;

import io.dbops.schemaoperator.migration.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * CA bundles from Secrets as files, where the JDBC drivers read them. One file per bundle content,
 * named by its hash: connections are read again and again, and two connections with the same CA
 * share a file. Written through a temporary file and a rename, so a reader never sees half a file.
 */
public final class CaFiles {
  private final Path directory;

  public CaFiles(Path directory) {
    this.directory = directory;
  }

  /** A fresh temporary directory, removed with its files when the JVM exits. */
  public static CaFiles inTemporaryDirectory() {
    try {
      Path dir = Files.createTempDirectory("schema-operator-ca");
      dir.toFile().deleteOnExit();
      return new CaFiles(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file holding {@code pem}; null for no CA (an empty bundle). */
  public Path write(String pem) {
    if (pem == null || pem.isEmpty()) {
      return null;
    }
    Path file = directory.resolve(Sha256.hex(pem).substring(0, 32) + ".pem");
    if (Files.isRegularFile(file)) {
      return file;
    }
    try {
      Files.createDirectories(directory);
      Path partial = Files.createTempFile(directory, "ca", ".partial");
      Files.writeString(partial, pem, StandardCharsets.UTF_8);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a CA bundle under " + directory, e);
    }
  }
}
