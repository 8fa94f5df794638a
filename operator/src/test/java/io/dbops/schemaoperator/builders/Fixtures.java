package io.dbops.schemaoperator.builders;

import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.ImageSource;
import io.dbops.schemaoperator.model.InlineMigration;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The quickstart schema, as a user applies it, in a namespace of its own, on a PostgreSQL the user brings
 * (the builders' interesting cases: a host, a login Secret, TLS).
 */
final class Fixtures {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  static final Path QUICKSTART = Path.of("..", "examples", "quickstart");
  private static final Path BRING_YOUR_OWN = Path.of("src", "test", "resources", "builders");
  static final String NAMESPACE = "team-a";
  static final String SCHEMA_UID = "7d3c1f0e-1111-4a2b-9c3d-000000000001";
  static final String IMAGE = "ghcr.io/dbops/schema-operator:0.1.0";

  private Fixtures() {}

  static DatabaseSchema schema() {
    DatabaseSchema schema = read(QUICKSTART.resolve("schema.yaml"), DatabaseSchema.class);
    schema.getMetadata().setNamespace(NAMESPACE);
    schema.getMetadata().setUid(SCHEMA_UID);
    return schema;
  }

  static DatabaseConnection connection() {
    DatabaseConnection connection = read(BRING_YOUR_OWN.resolve("connection.yaml"), DatabaseConnection.class);
    connection.getMetadata().setNamespace(NAMESPACE);
    return connection;
  }

  /** The quickstart schema with its scripts moved out of the resource into a ConfigMap and an image. */
  static DatabaseSchema schemaWithoutInline() {
    DatabaseSchema schema = schema();
    schema.getSpec().getMigrations().setInline(new ArrayList<>());
    schema.getSpec().getMigrations().setConfigMapRefs(new ArrayList<>(List.of(new ConfigMapRef("app-migrations"))));
    ImageSource image = new ImageSource();
    image.setRef("ghcr.io/acme/app:1.4.2");
    image.setPath("/app/db/migration");
    schema.getSpec().getMigrations().setImage(image);
    return schema;
  }

  static DatabaseSchema copy(DatabaseSchema schema) {
    return SERIALIZATION.unmarshal(SERIALIZATION.asJson(schema), DatabaseSchema.class);
  }

  static DatabaseConnection copy(DatabaseConnection connection) {
    return SERIALIZATION.unmarshal(SERIALIZATION.asJson(connection), DatabaseConnection.class);
  }

  static InlineMigration script(String name, String sql) {
    return new InlineMigration(name, sql);
  }

  private static <T> T read(Path file, Class<T> type) {
    try {
      return SERIALIZATION.unmarshal(Files.readString(file), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
