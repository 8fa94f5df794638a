package io.dbops.schemaoperator.builders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseConnectionSpec;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaSpec;
import io.dbops.schemaoperator.model.ImageSource;
import io.dbops.schemaoperator.model.InlineMigration;
import io.dbops.schemaoperator.model.Migrations;
import io.dbops.schemaoperator.model.SchemaDefaults;
import io.dbops.schemaoperator.migration.Sha256;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

/** The hash that says whether the database has been brought to what the resources ask for. */
public final class DesiredHash {
  // Map keys sorted on output so that the order a map happened to be built or read in never shows.
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  /**
   * Bumped whenever what goes into the hash changes, so that a new operator version re-runs every
   * schema once rather than silently comparing hashes of different shapes.
   */
  private static final String FORMAT = "dbops.io/desired-hash/v1";

  private DesiredHash() {}

  /**
   * sha256 hex (64 chars) over: inline scripts (name+sql, sorted by name), the data of every
   * referenced ConfigMap (name -> sorted entries; pass what the controller read from the API), the
   * image ref+path, and the spec fields that change the outcome: schemas, target, placeholders
   * (sorted), baseline, outOfOrder, timeouts, and the connection's engine/host/port/database.
   * Stable across runs and map orders; changes when any of those change; unaffected by metadata,
   * status, approval, retry, driftCheck, deletionPolicy, job settings.
   *
   * <p>Defaults are applied before hashing (a missing target is "latest", a missing port the
   * engine's), because the API server fills them in on some paths and not others and the outcome is
   * the same. Only ConfigMaps named in spec.migrations.configMapRefs count, in name order, since
   * their mount order does not change which scripts Flyway sees; a referenced one missing from
   * {@code configMapData} hashes differently from an empty one. For a connection given as urlFrom the
   * Secret reference stands in for host and database, which live inside the URL.
   */
  public static String of(DatabaseSchema schema, DatabaseConnection connection, Map<String, Map<String, String>> configMapData) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(connection, "connection");
    DatabaseSchemaSpec spec = Objects.requireNonNull(schema.getSpec(), "schema.spec");
    DatabaseConnectionSpec conn = Objects.requireNonNull(connection.getSpec(), "connection.spec");
    Migrations migrations = spec.getMigrations() == null ? new Migrations() : spec.getMigrations();

    Map<String, Object> canonical = new LinkedHashMap<>();
    canonical.put("format", FORMAT);
    canonical.put("inline", inlineScripts(migrations.getInline()));
    canonical.put("configMaps", configMaps(migrations.getConfigMapRefs(), configMapData));
    canonical.put("image", image(migrations.getImage()));
    canonical.put("schemas", spec.getSchemas() == null ? List.of() : spec.getSchemas());
    canonical.put("target", SchemaDefaults.target(spec));
    canonical.put("placeholders", spec.getPlaceholders() == null ? Map.of() : new TreeMap<>(spec.getPlaceholders()));
    canonical.put("baselineOnMigrate", SchemaDefaults.baselineOnMigrate(spec));
    canonical.put("baselineVersion", SchemaDefaults.baselineVersion(spec));
    canonical.put("outOfOrder", SchemaDefaults.outOfOrder(spec));
    canonical.put("lockSeconds", SchemaDefaults.lockSeconds(spec));
    canonical.put("statementSeconds", SchemaDefaults.statementSeconds(spec));
    canonical.put("connection", connection(conn));
    return Sha256.hex(json(canonical));
  }

  /** Inline scripts as [name, sql] pairs in name order; a list, not a map, so a repeated name is not lost. */
  static List<List<String>> inlineScripts(List<InlineMigration> inline) {
    List<List<String>> pairs = new ArrayList<>();
    if (inline != null) {
      for (InlineMigration m : inline) {
        pairs.add(List.of(Objects.toString(m.getName(), ""), Objects.toString(m.getSql(), "")));
      }
    }
    pairs.sort(Comparator.<List<String>, String>comparing(p -> p.get(0)).thenComparing(p -> p.get(1)));
    return pairs;
  }

  /** The hash of the inline scripts alone: what names their ConfigMap. */
  static String inlineContentHash(List<InlineMigration> inline) {
    return Sha256.hex(json(inlineScripts(inline)));
  }

  private static Map<String, Object> configMaps(List<ConfigMapRef> refs, Map<String, Map<String, String>> data) {
    Map<String, Object> maps = new TreeMap<>();
    if (refs == null) {
      return maps;
    }
    TreeSet<String> names = new TreeSet<>();
    for (ConfigMapRef ref : refs) {
      names.add(ref.getName());
    }
    for (String name : names) {
      Map<String, String> entries = data == null ? null : data.get(name);
      maps.put(name, entries == null ? null : new TreeMap<>(entries));
    }
    return maps;
  }

  private static Map<String, Object> image(ImageSource image) {
    if (image == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("ref", image.getRef());
    m.put("path", SchemaDefaults.imagePath(image));
    return m;
  }

  private static Map<String, Object> connection(DatabaseConnectionSpec conn) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("engine", conn.getEngine() == null ? null : conn.getEngine().wireName());
    m.put("host", conn.getHost());
    m.put("port", conn.getEngine() == null ? conn.getPort() : Integer.valueOf(conn.effectivePort()));
    m.put("database", conn.getDatabase());
    if (conn.getUrlFrom() != null && conn.getUrlFrom().getSecretKeyRef() != null) {
      m.put("urlFrom", List.of(
          Objects.toString(conn.getUrlFrom().getSecretKeyRef().getName(), ""),
          Objects.toString(conn.getUrlFrom().getSecretKeyRef().getKey(), "")));
    }
    return m;
  }

  private static String json(Object value) {
    try {
      return CANONICAL.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps, lists and strings always serialize", e);
    }
  }
}
