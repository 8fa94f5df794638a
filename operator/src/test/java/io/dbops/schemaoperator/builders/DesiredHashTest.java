package io.dbops.schemaoperator.builders;

import static org.assertj.core.api.Assertions.assertThat;

import io.dbops.schemaoperator.model.Approval;
import io.dbops.schemaoperator.model.Baseline;
import io.dbops.schemaoperator.model.ConfigMapRef;
import io.dbops.schemaoperator.model.Credentials;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.model.DatabaseSchemaStatus;
import io.dbops.schemaoperator.model.DeletionPolicy;
import io.dbops.schemaoperator.model.DriftCheck;
import io.dbops.schemaoperator.model.Engine;
import io.dbops.schemaoperator.model.ImageSource;
import io.dbops.schemaoperator.model.JobSettings;
import io.dbops.schemaoperator.model.Retry;
import io.dbops.schemaoperator.model.SecretKeyRef;
import io.dbops.schemaoperator.model.Timeouts;
import io.dbops.schemaoperator.model.Tls;
import io.dbops.schemaoperator.model.TlsMode;
import io.dbops.schemaoperator.model.UrlFrom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The desired hash answers one question: would running the migrations now give a different outcome
 * than the run recorded under the last hash? So it moves with every input to that outcome, and with
 * nothing else.
 */
class DesiredHashTest {

  /** The quickstart with every kind of source, so that each one can be changed on its own. */
  private static DatabaseSchema schema() {
    DatabaseSchema schema = Fixtures.schema();
    schema.getSpec().getMigrations().setConfigMapRefs(new ArrayList<>(List.of(new ConfigMapRef("app-migrations"), new ConfigMapRef("more-migrations"))));
    ImageSource image = new ImageSource();
    image.setRef("ghcr.io/acme/app:1.4.2");
    image.setPath("/app/db/migration");
    schema.getSpec().getMigrations().setImage(image);
    return schema;
  }

  private static Map<String, Map<String, String>> configMaps() {
    Map<String, Map<String, String>> data = new LinkedHashMap<>();
    data.put("app-migrations", new LinkedHashMap<>(Map.of("V10__orders_index.sql", "CREATE INDEX orders_user ON orders (user_id);")));
    data.put("more-migrations", new LinkedHashMap<>(Map.of(
        "V11__audit.sql", "CREATE TABLE audit (id BIGINT);",
        "R__audit_view.sql", "CREATE OR REPLACE VIEW a AS SELECT 1;")));
    return data;
  }

  private static final String BASE = DesiredHash.of(schema(), Fixtures.connection(), configMaps());

  @Test
  void the_same_resources_hash_the_same_on_every_run() {
    String again = DesiredHash.of(schema(), Fixtures.connection(), configMaps());

    assertThat(BASE).hasSize(64).matches("[0-9a-f]{64}").isEqualTo(again);
  }

  /**
   * Pinned, so that a refactoring or a library upgrade cannot change every schema's hash unnoticed
   * (each would look changed after an operator upgrade). The value was reproduced outside Java: sha256
   * of the canonical JSON (keys sorted, no spaces) of the quickstart's inputs with defaults applied.
   * A deliberate change bumps DesiredHash's format tag and this value together.
   */
  @Test
  void the_quickstart_hash_is_the_documented_one() {
    assertThat(DesiredHash.of(Fixtures.schema(), Fixtures.connection(), Map.of()))
        .isEqualTo("ceb89695a9a84a909a742d3f3428c2f5e35d265976f9ef667c4de5e83d4e47a8");
  }

  @Test
  void the_order_maps_and_lists_happen_to_come_in_does_not_matter() {
    DatabaseSchema schema = schema();
    Collections.reverse(schema.getSpec().getMigrations().getInline());
    Collections.reverse(schema.getSpec().getMigrations().getConfigMapRefs());
    schema.getSpec().setPlaceholders(reversed(Map.of("env", "quickstart", "owner", "team-a", "region", "eu")));
    DatabaseSchema sameInOtherOrder = schema();
    sameInOtherOrder.getSpec().setPlaceholders(new java.util.TreeMap<>(Map.of("env", "quickstart", "owner", "team-a", "region", "eu")));

    Map<String, Map<String, String>> data = new LinkedHashMap<>();
    List<String> names = new ArrayList<>(configMaps().keySet());
    Collections.reverse(names);
    for (String name : names) {
      data.put(name, reversed(configMaps().get(name)));
    }

    assertThat(DesiredHash.of(schema, Fixtures.connection(), data))
        .isEqualTo(DesiredHash.of(sameInOtherOrder, Fixtures.connection(), configMaps()));
  }

  static Stream<Arguments> changesThatChangeTheOutcome() {
    return Stream.of(
        change("an inline script's sql", (s, c, d) -> s.getSpec().getMigrations().getInline().get(0).setSql("CREATE TABLE users (id INT);")),
        change("an inline script's name", (s, c, d) -> s.getSpec().getMigrations().getInline().get(1).setName("V2__index_email.sql")),
        change("an added inline script", (s, c, d) -> s.getSpec().getMigrations().getInline().add(Fixtures.script("V4__x.sql", "SELECT 1;"))),
        change("a removed inline script", (s, c, d) -> s.getSpec().getMigrations().getInline().remove(3)),
        change("a ConfigMap script's content", (s, c, d) -> d.get("app-migrations").put("V10__orders_index.sql", "CREATE INDEX o ON orders (total);")),
        change("a ConfigMap script added", (s, c, d) -> d.get("more-migrations").put("V12__more.sql", "SELECT 1;")),
        change("a ConfigMap no longer referenced", (s, c, d) -> s.getSpec().getMigrations().getConfigMapRefs().remove(1)),
        change("a referenced ConfigMap not found", (s, c, d) -> d.remove("more-migrations")),
        change("the image ref", (s, c, d) -> s.getSpec().getMigrations().getImage().setRef("ghcr.io/acme/app:1.4.3")),
        change("the image path", (s, c, d) -> s.getSpec().getMigrations().getImage().setPath("/db/migration/v2")),
        change("the image source removed", (s, c, d) -> s.getSpec().getMigrations().setImage(null)),
        change("the schemas", (s, c, d) -> s.getSpec().setSchemas(new ArrayList<>(List.of("app", "audit")))),
        change("which schema is the default", (s, c, d) -> s.getSpec().setSchemas(new ArrayList<>(List.of("audit", "app")))),
        change("the target", (s, c, d) -> s.getSpec().setTarget("2")),
        change("a placeholder value", (s, c, d) -> s.getSpec().getPlaceholders().put("env", "prod")),
        change("a placeholder added", (s, c, d) -> s.getSpec().getPlaceholders().put("region", "eu")),
        change("baseline on migrate", (s, c, d) -> s.getSpec().setBaseline(baseline(true, "1"))),
        change("the baseline version", (s, c, d) -> s.getSpec().setBaseline(baseline(false, "3"))),
        change("out of order", (s, c, d) -> s.getSpec().setOutOfOrder(true)),
        change("the lock timeout", (s, c, d) -> s.getSpec().setTimeouts(timeouts(5, 0))),
        change("the statement timeout", (s, c, d) -> s.getSpec().setTimeouts(timeouts(30, 600))),
        change("the engine", (s, c, d) -> c.getSpec().setEngine(Engine.MYSQL)),
        change("the host", (s, c, d) -> c.getSpec().setHost("postgres.team-b.svc")),
        change("the port", (s, c, d) -> c.getSpec().setPort(6432)),
        change("the database", (s, c, d) -> c.getSpec().setDatabase("app2")));
  }

  @ParameterizedTest(name = "{0} changes the hash")
  @MethodSource("changesThatChangeTheOutcome")
  void every_input_to_the_outcome_changes_the_hash(String what, Change change) {
    assertThat(hashAfter(change)).isNotEqualTo(BASE);
  }

  static Stream<Arguments> changesThatDoNot() {
    return Stream.of(
        change("the schema's labels, annotations and generation", (s, c, d) -> {
          s.getMetadata().setLabels(Map.of("team", "a"));
          s.getMetadata().setAnnotations(Map.of("dbops.io/retry", "2"));
          s.getMetadata().setGeneration(7L);
          s.getMetadata().setResourceVersion("12345");
        }),
        change("the status", (s, c, d) -> {
          DatabaseSchemaStatus status = new DatabaseSchemaStatus();
          status.setDesiredHash("9f2c");
          status.setCurrentVersion("3");
          s.setStatus(status);
        }),
        change("approval", (s, c, d) -> s.getSpec().setApproval(Approval.Manual)),
        change("retry", (s, c, d) -> s.getSpec().setRetry(retry(9))),
        change("drift check", (s, c, d) -> s.getSpec().setDriftCheck(driftCheck(60))),
        change("deletion policy", (s, c, d) -> s.getSpec().setDeletionPolicy(DeletionPolicy.Drop)),
        change("job settings", (s, c, d) -> {
          JobSettings job = new JobSettings();
          job.setServiceAccountName("migrator");
          job.setActiveDeadlineSeconds(60L);
          job.setPodLabels(Map.of("team", "a"));
          s.getSpec().setJob(job);
        }),
        change("a ConfigMap nobody references", (s, c, d) -> d.put("unrelated", Map.of("V1__x.sql", "SELECT 1;"))),
        change("the order of ConfigMap references", (s, c, d) -> Collections.reverse(s.getSpec().getMigrations().getConfigMapRefs())),
        change("the connection's credentials Secret", (s, c, d) -> c.getSpec().getCredentials().setSecretName("rotated-login")),
        change("the connection's TLS and health check", (s, c, d) -> {
          Tls tls = new Tls();
          tls.setMode(TlsMode.VERIFY_FULL);
          tls.setCaSecretRef(new SecretKeyRef("db-ca", "ca.crt"));
          c.getSpec().setTls(tls);
        }),
        change("the connection's createDatabase", (s, c, d) -> c.getSpec().setCreateDatabase(false)),
        change("the connection's metadata", (s, c, d) -> c.getMetadata().setLabels(Map.of("tier", "db"))));
  }

  @ParameterizedTest(name = "{0} leaves the hash alone")
  @MethodSource("changesThatDoNot")
  void what_cannot_change_the_outcome_leaves_the_hash_alone(String what, Change change) {
    assertThat(hashAfter(change)).isEqualTo(BASE);
  }

  @Test
  void spelling_out_a_default_is_the_same_as_leaving_it_out() {
    DatabaseSchema explicit = schema();
    explicit.getSpec().setTarget("latest");
    explicit.getSpec().setOutOfOrder(false);
    explicit.getSpec().setBaseline(baseline(false, "1"));
    explicit.getSpec().setTimeouts(timeouts(30, 0));
    DatabaseConnection withPort = Fixtures.connection();
    withPort.getSpec().setPort(5432);
    DatabaseSchema defaulted = schema();
    defaulted.getSpec().setTarget(null);

    assertThat(DesiredHash.of(explicit, withPort, configMaps())).isEqualTo(BASE);
    assertThat(DesiredHash.of(defaulted, Fixtures.connection(), configMaps())).isEqualTo(BASE);
  }

  @Test
  void a_referenced_configmap_not_found_is_not_the_same_as_an_empty_one() {
    Map<String, Map<String, String>> empty = configMaps();
    empty.put("more-migrations", Map.of());
    Map<String, Map<String, String>> missing = configMaps();
    missing.remove("more-migrations");

    assertThat(DesiredHash.of(schema(), Fixtures.connection(), empty))
        .isNotEqualTo(DesiredHash.of(schema(), Fixtures.connection(), missing));
  }

  @Test
  void a_connection_given_as_a_url_secret_is_told_apart_by_that_secret() {
    DatabaseConnection url = urlConnection("prod-url");
    DatabaseConnection otherUrl = urlConnection("staging-url");

    assertThat(DesiredHash.of(schema(), url, configMaps())).isNotEqualTo(DesiredHash.of(schema(), otherUrl, configMaps()));
  }

  // --- helpers

  @FunctionalInterface
  interface Change {
    void apply(DatabaseSchema schema, DatabaseConnection connection, Map<String, Map<String, String>> configMaps);
  }

  private static Arguments change(String what, Change change) {
    return Arguments.of(what, change);
  }

  private static String hashAfter(Change change) {
    DatabaseSchema schema = schema();
    DatabaseConnection connection = Fixtures.connection();
    Map<String, Map<String, String>> data = configMaps();
    change.apply(schema, connection, data);
    return DesiredHash.of(schema, connection, data);
  }

  private static <V> Map<String, V> reversed(Map<String, V> map) {
    List<String> keys = new ArrayList<>(new java.util.TreeMap<>(map).keySet());
    Collections.reverse(keys);
    Map<String, V> out = new LinkedHashMap<>();
    for (String k : keys) {
      out.put(k, map.get(k));
    }
    return out;
  }

  private static Baseline baseline(boolean onMigrate, String version) {
    Baseline b = new Baseline();
    b.setOnMigrate(onMigrate);
    b.setVersion(version);
    return b;
  }

  private static Timeouts timeouts(int lock, int statement) {
    Timeouts t = new Timeouts();
    t.setLockSeconds(lock);
    t.setStatementSeconds(statement);
    return t;
  }

  private static Retry retry(int limit) {
    Retry r = new Retry();
    r.setLimit(limit);
    return r;
  }

  private static DriftCheck driftCheck(int seconds) {
    DriftCheck d = new DriftCheck();
    d.setIntervalSeconds(seconds);
    return d;
  }

  private static DatabaseConnection urlConnection(String secret) {
    DatabaseConnection c = Fixtures.connection();
    c.getSpec().setHost(null);
    c.getSpec().setDatabase(null);
    c.getSpec().setCredentials((Credentials) null);
    UrlFrom urlFrom = new UrlFrom();
    urlFrom.setSecretKeyRef(new SecretKeyRef(secret, "url"));
    c.getSpec().setUrlFrom(urlFrom);
    return c;
  }
}
