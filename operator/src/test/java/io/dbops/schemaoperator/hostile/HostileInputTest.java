package io.dbops.schemaoperator.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbops.schemaoperator.controller.common.Conditions;
import io.dbops.schemaoperator.hostile.HostileInput.Admission;
import io.dbops.schemaoperator.hostile.HostileInput.Deleted;
import io.dbops.schemaoperator.hostile.HostileInput.Forged;
import io.dbops.schemaoperator.hostile.HostileInput.Kind;
import io.dbops.schemaoperator.hostile.HostileInput.Operator;
import io.dbops.schemaoperator.model.CrdValidator;
import io.dbops.schemaoperator.model.DatabaseConnection;
import io.dbops.schemaoperator.model.DatabaseSchema;
import io.dbops.schemaoperator.testing.ApiCall;
import io.dbops.schemaoperator.testing.Eventually;
import io.dbops.schemaoperator.testing.Namespace;
import io.dbops.schemaoperator.testing.PasswordCheckingPostgres;
import io.dbops.schemaoperator.testing.RunningOperator;
import io.dbops.schemaoperator.testing.ScenarioWorld;
import io.dbops.schemaoperator.testing.Tripwire;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 9's table of hostile and malformed inputs. Each one ends either refused at admission (the
 * generated CRDs, evaluated with the API server's own kinds of evaluators: {@link CrdValidator} for the
 * OpenAPI schema, CEL for the rules), or refused by the running operator with a named reason; in
 * both cases nothing is applied: the operator writes nothing but status and events in the row's
 * namespace, no Job, ConfigMap, Secret, StatefulSet or Service appears there, no database or schema
 * of the row's exists, and nothing connects to the row's tripwire, where its hostile hosts and URLs point.
 * One operator serves every row at once; after all of them, a good schema still becomes Ready, and
 * the world's leak scan finds no secret in anything the operator and its Jobs put out.
 *
 * <p>Writes {@code target/hostile-inputs.txt}: one line per input (name, outcome, rule or reason) and
 * a last line that counts them. An input that was not refused as its row says counts as accepted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {
  @RegisterExtension
  static final ScenarioWorld world = ScenarioWorld.shared().converge(Duration.ofSeconds(120));

  /** The CRDs as this build generated them (CrdsUpToDateTest keeps the committed copies equal). */
  private static final CrdValidator CRDS = CrdValidator.fromDirectory(Path.of("target", "classes", "META-INF", "fabric8"));
  private static final String NOT_CHECKED = "some validation rules were not checked";
  private static final Duration CONVERGE = Duration.ofSeconds(120);
  private static final String PASSWORD = "Zq7-Hostile-Login-Pa55";
  private static final Path REPORT = Path.of("target", "hostile-inputs.txt");
  private static final String ADMISSION = "refused at admission";
  private static final String OPERATOR = "refused by the operator";
  /** Only status and events: anything else written in a row's namespace was applied. */
  private static final Set<String> OPERATOR_MAY_WRITE = Set.of("databaseconnections", "databaseschemas", "events");
  private static final List<Admission> ADMISSION_ROWS = AdmissionRows.all();
  private static final List<Operator> OPERATOR_ROWS = OperatorRows.all();
  private static final List<Forged> FORGED_ROWS = ForgedRows.all();
  private static final List<Deleted> DELETED_ROWS = DeletedRows.all();

  /** Row name -> "outcome | rule or reason", in the order the rows ran. */
  private static final Map<String, String> OUTCOMES = new LinkedHashMap<>();
  private static final Map<String, RowNamespace> NAMESPACES = new LinkedHashMap<>();

  private static EmbeddedPostgres postgres;
  private static RunningOperator operator;

  @BeforeAll
  static void startTheOperatorAndWriteEveryOperatorRow() throws Exception {
    postgres = world.own(PasswordCheckingPostgres.start());
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE " + RowNamespace.USER + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "'");
      st.execute("CREATE DATABASE " + RowNamespace.DATABASE + " OWNER " + RowNamespace.USER);
    }
    operator = world.startOperator();
    List<HostileInput.InNamespace> rows = new ArrayList<>(OPERATOR_ROWS);
    rows.addAll(FORGED_ROWS);
    rows.addAll(DELETED_ROWS);
    for (int i = 0; i < rows.size(); i++) {
      HostileInput.InNamespace row = rows.get(i);
      String number = "%02d".formatted(i + 1);
      RowNamespace ns = new RowNamespace(world.cluster(), "hostile-" + number, "hostile_" + number, postgres.getPort(),
          world.own(Tripwire.start()), PASSWORD);
      row.setup().apply(ns);
      NAMESPACES.put(row.name(), ns);
    }
  }

  static Stream<Admission> admissionRows() {
    return ADMISSION_ROWS.stream();
  }

  static Stream<Operator> operatorRows() {
    return OPERATOR_ROWS.stream();
  }

  static Stream<Forged> forgedRows() {
    return FORGED_ROWS.stream();
  }

  static Stream<Deleted> deletedRows() {
    return DELETED_ROWS.stream();
  }

  @Order(1)
  @ParameterizedTest(name = "{0}")
  @MethodSource("admissionRows")
  void isRefusedAtAdmissionByTheRuleForIt(Admission row) {
    outcome(row.name(), "accepted", "not yet refused");
    List<String> violations = CRDS.validate(row.document());
    List<String> refusals = violations.stream().filter(v -> !v.startsWith(NOT_CHECKED)).toList();
    outcome(row.name(), "accepted", refusals.isEmpty() ? "the CRDs admit it" : "refused for other reasons: " + refusals);

    assertThat(refusals).as("what the API server would say to:%n%s", abbreviated(row.document()))
        .singleElement().satisfies(v -> assertThat(v).contains(row.rule()));
    outcome(row.name(), ADMISSION, oneLine(refusals.get(0)));
  }

  @Order(2)
  @ParameterizedTest(name = "{0}")
  @MethodSource("operatorRows")
  void isRefusedByTheOperatorWithNothingApplied(Operator row) throws Exception {
    outcome(row.name(), "accepted", "not yet refused");
    RowNamespace ns = NAMESPACES.get(row.name());
    for (JsonNode document : ns.ourDocuments()) {
      boolean watched = document.path("kind").asText().equals(row.kind().name())
          && document.at("/metadata/name").asText().equals(row.resource());
      List<String> violations = CRDS.validate(document);
      if (watched && row.pastTheCrd()) {
        assertThat(violations).as("a row stored past the CRD holds what the CRD refuses").isNotEmpty();
      } else {
        assertThat(violations).as("the CRD admits %s %s, so the operator is what must refuse it",
            document.path("kind").asText(), document.at("/metadata/name").asText()).isEmpty();
      }
    }

    Condition refusal = awaitRefusal(row, ns);
    assertThat(refusal.getMessage()).as("what the condition tells the tenant to change").contains(row.message());
    assertNothingApplied(ns);
    outcome(row.name(), OPERATOR, (row.expected().stalled() ? "Stalled " : "Ready False, waiting: ") + refusal.getReason()
        + (row.pastTheCrd() ? " (stored past the CRD)" : "") + ": " + oneLine(refusal.getMessage()));
  }

  @Order(3)
  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedRows")
  void isNotBelievedByTheOperator(Forged row) {
    outcome(row.name(), "accepted", "not yet refused");
    RowNamespace ns = NAMESPACES.get(row.name());
    KubernetesClient client = world.client();
    Eventually.await("DatabaseSchema " + ns.name() + "/app Ready, or waiting behind the forgery", CONVERGE, () -> {
      Optional<Condition> ready = Conditions.find(conditions(Kind.DatabaseSchema, ns, "app"), Conditions.READY);
      return ready.isPresent() && ("True".equals(ready.get().getStatus()) || "WaitingForLock".equals(ready.get().getReason()));
    });
    Condition ready = Conditions.find(conditions(Kind.DatabaseSchema, ns, "app"), Conditions.READY).orElseThrow();
    outcome(row.name(), "accepted", "believed: " + ready.getReason() + ": " + oneLine(ready.getMessage()));
    assertThat(ready.getStatus()).as("the victim's Ready condition: %s %s", ready.getReason(), ready.getMessage()).isEqualTo("True");

    DatabaseSchema victim = client.resources(DatabaseSchema.class).inNamespace(ns.name()).withName("app").get();
    Job own = client.batch().v1().jobs().inNamespace(ns.name()).withName(victim.getStatus().getLastRun().getJob()).get();
    Job forged = Stream.of(ns.name(), ns.name() + "-attacker")
        .map(n -> client.batch().v1().jobs().inNamespace(n).withName("app-forged-1").get())
        .filter(j -> j != null).findFirst().orElseThrow();
    assertThat(own.getMetadata().getLabels()).as("the forgery named the victim's real lock")
        .containsEntry(ForgedRows.TARGET_LABEL, forged.getMetadata().getLabels().get(ForgedRows.TARGET_LABEL));
    assertThat(Long.parseLong(forged.getMetadata().getResourceVersion()))
        .as("the forged Job was there before the victim's Job was made").isLessThan(Long.parseLong(own.getMetadata().getResourceVersion()));
    assertThat(forged.getStatus() == null || forged.getStatus().getCompletionTime() == null).as("the forged Job still runs").isTrue();
    outcome(row.name(), OPERATOR, "not believed: DatabaseSchema app became Ready by its own Job " + own.getMetadata().getName()
        + " while the forged Job " + forged.getMetadata().getNamespace() + "/app-forged-1 was running");
  }

  @Order(4)
  @ParameterizedTest(name = "{0}")
  @MethodSource("deletedRows")
  void goesWithoutADropWhenDeleted(Deleted row) throws Exception {
    outcome(row.name(), "accepted", "not yet refused");
    RowNamespace ns = NAMESPACES.get(row.name());
    Eventually.await("DatabaseSchema " + ns.name() + "/app Stalled", CONVERGE,
        () -> Conditions.isTrue(conditions(Kind.DatabaseSchema, ns, "app"), Conditions.STALLED));
    String stalled = Conditions.find(conditions(Kind.DatabaseSchema, ns, "app"), Conditions.READY).map(Condition::getReason).orElse("?");

    world.client().resources(DatabaseSchema.class).inNamespace(ns.name()).withName("app").delete();
    Eventually.await("DatabaseSchema " + ns.name() + "/app gone", CONVERGE,
        () -> world.client().resources(DatabaseSchema.class).inNamespace(ns.name()).withName("app").get() == null);
    Namespace namespace = new Namespace(world.client(), ns.name());
    assertThat(namespace.events("DropRefused")).as("DropRefused events")
        .anySatisfy(e -> assertThat(e.getMessage()).contains(row.event()).contains("the data was left untouched"));
    assertNothingApplied(ns);
    outcome(row.name(), OPERATOR, "Stalled " + stalled + ", then deleted without a drop: Warning DropRefused: "
        + oneLine(namespace.events("DropRefused").get(0).getMessage()));
  }

  @Order(5)
  @Test
  void afterEveryHostileInputAGoodSchemaStillBecomesReadyAndNothingLeaked() throws Exception {
    Namespace good = new Namespace(world.client(), "hostile-good");
    world.cluster().secret(good.name(), "app-db", Map.of("username", RowNamespace.USER, "password", PASSWORD));
    good.create("""
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseConnection
        metadata: {name: app-db}
        spec:
          engine: postgres
          host: 127.0.0.1
          port: %d
          database: good
          createDatabase: true
          credentials: {secretName: app-db}
          tls: {mode: disable}
        """.formatted(postgres.getPort()));
    good.create(Files.readString(Path.of("..", "examples", "quickstart", "schema.yaml")));

    try {
      Eventually.await("the good schema Ready", CONVERGE, () -> {
        DatabaseSchema schema = good.schema("app-schema");
        return schema.getStatus() != null && Conditions.isTrue(schema.getStatus().getConditions(), Conditions.READY);
      });
    } catch (AssertionError e) {
      DatabaseSchema schema = good.schema("app-schema");
      DatabaseConnection connection = good.connection("app-db");
      throw new AssertionError(e.getMessage() + "; the schema's status: " + (schema == null ? "no schema" : schema.getStatus())
          + "; the connection's: " + (connection == null ? "no connection" : connection.getStatus()), e);
    }
    try (Connection c = postgres.getDatabase("postgres", "good").getConnection();
        ResultSet tables = c.getMetaData().getTables(null, "app", "%", new String[] {"TABLE"})) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString("TABLE_NAME"));
      }
      assertThat(names).contains("users", "orders");
    }
    assertThat(NAMESPACES.values().stream().mapToInt(ns -> ns.tripwire().connections()).sum())
        .as("connections, since the first row, to the ports the rows' hosts and URLs name").isZero();
    assertThat(world.findings()).as("secrets in any output, requests the chart does not allow").isEmpty();
  }

  @AfterAll
  static void writeTheReport() throws IOException {
    List<String> lines = new ArrayList<>();
    int admission = 0;
    int refused = 0;
    synchronized (OUTCOMES) {
      for (Map.Entry<String, String> row : OUTCOMES.entrySet()) {
        lines.add(row.getKey() + " | " + row.getValue());
        admission += row.getValue().startsWith(ADMISSION + " |") ? 1 : 0;
        refused += row.getValue().startsWith(OPERATOR + " |") ? 1 : 0;
      }
    }
    int total = lines.size();
    lines.add("hostile inputs: %d, refused at admission %d, refused by the operator %d, accepted %d"
        .formatted(total, admission, refused, total - admission - refused));
    Files.createDirectories(REPORT.getParent());
    Files.write(REPORT, lines);
  }

  // --- the operator rows' checks ------------------------------------------------------------------------------

  /** Waits for the refusal the row names; on timeout, records what the resource said instead. */
  private static Condition awaitRefusal(Operator row, RowNamespace ns) {
    String expectedType = row.expected().stalled() ? Conditions.STALLED : Conditions.READY;
    try {
      Eventually.await(row.kind() + " " + ns.name() + "/" + row.resource() + " " + row.expected(), CONVERGE, () -> {
        List<Condition> conditions = conditions(row, ns);
        Optional<Condition> c = Conditions.find(conditions, expectedType);
        return c.isPresent() && c.get().getStatus().equals(row.expected().stalled() ? "True" : "False")
            && row.expected().reason().equals(c.get().getReason());
      });
    } catch (AssertionError e) {
      outcome(row.name(), "accepted", "instead: " + conditions(row, ns).stream()
          .map(c -> c.getType() + "=" + c.getStatus() + " " + c.getReason() + " (" + oneLine(c.getMessage()) + ")")
          .collect(Collectors.joining("; ")));
      throw e;
    }
    return Conditions.find(conditions(row, ns), Conditions.READY).orElseThrow();
  }

  private static List<Condition> conditions(Operator row, RowNamespace ns) {
    return conditions(row.kind(), ns, row.resource());
  }

  private static List<Condition> conditions(Kind kind, RowNamespace ns, String name) {
    KubernetesClient client = world.client();
    if (kind == Kind.DatabaseConnection) {
      DatabaseConnection c = client.resources(DatabaseConnection.class).inNamespace(ns.name()).withName(name).get();
      return c == null || c.getStatus() == null ? List.of() : c.getStatus().getConditions();
    }
    DatabaseSchema s = client.resources(DatabaseSchema.class).inNamespace(ns.name()).withName(name).get();
    return s == null || s.getStatus() == null ? List.of() : s.getStatus().getConditions();
  }

  /** The operator wrote only status and events in the row's namespace, created nothing there, and no database of the row's exists. */
  private static void assertNothingApplied(RowNamespace ns) throws SQLException {
    List<String> writes = world.requests().stream()
        .filter(call -> call.userAgent().equals(operator.userAgent()))
        .map(ApiCall::resourceRequest).flatMap(Optional::stream)
        .filter(r -> r.namespace().equals(ns.name()) && Set.of("create", "update", "patch", "delete").contains(r.verb()))
        .filter(r -> !OPERATOR_MAY_WRITE.contains(r.resource()))
        .map(r -> r.verb() + " " + r.rbacResource() + " " + r.name())
        .toList();
    assertThat(writes).as("the operator's writes in %s other than status and events", ns.name()).isEmpty();
    assertThat(ns.tripwire().connections()).as("connections to the port the row's hosts and URLs name").isZero();

    KubernetesClient client = world.client();
    assertThat(names(client.batch().v1().jobs().inNamespace(ns.name()).list().getItems())).as("Jobs").isEqualTo(ns.created("Job"));
    assertThat(names(client.configMaps().inNamespace(ns.name()).list().getItems())).as("ConfigMaps").isEqualTo(ns.created("ConfigMap"));
    assertThat(names(client.secrets().inNamespace(ns.name()).list().getItems())).as("Secrets").isEqualTo(ns.created("Secret"));
    assertThat(names(client.apps().statefulSets().inNamespace(ns.name()).list().getItems())).as("StatefulSets")
        .isEqualTo(ns.created("StatefulSet"));
    assertThat(names(client.services().inNamespace(ns.name()).list().getItems())).as("Services").isEqualTo(ns.created("Service"));

    try (Connection c = postgres.getPostgresDatabase().getConnection();
        PreparedStatement databases = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      databases.setString(1, ns.id());
      assertThat(count(databases)).as("database %s", ns.id()).isZero();
    }
    try (Connection c = postgres.getDatabase("postgres", RowNamespace.DATABASE).getConnection();
        PreparedStatement schemas = c.prepareStatement("SELECT count(*) FROM information_schema.schemata WHERE schema_name = ?")) {
      schemas.setString(1, ns.id());
      assertThat(count(schemas)).as("schema %s in database %s", ns.id(), RowNamespace.DATABASE).isZero();
    }
  }

  private static Set<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }

  private static long count(PreparedStatement query) throws SQLException {
    try (ResultSet rs = query.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // --- the report -----------------------------------------------------------------------------------------------

  private static void outcome(String row, String outcome, String ruleOrReason) {
    synchronized (OUTCOMES) {
      OUTCOMES.put(row, outcome + " | " + ruleOrReason);
    }
  }

  /** One line of at most 300 characters: messages may list every allowed property. */
  private static String oneLine(String text) {
    String flat = text == null ? "" : text.replaceAll("\\s+", " ").strip();
    return flat.length() <= 300 ? flat : flat.substring(0, 297) + "...";
  }

  private static String abbreviated(String document) {
    return document.length() <= 2000 ? document : document.substring(0, 2000) + "... (" + document.length() + " characters)";
  }
}
