package io.dbops.schemaoperator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CRD's rules for spec.backup, spec.policy and spec.transaction (issue 13). */
class SafetyFieldsValidationTest {
  private static final CrdValidator CRDS = CrdValidator.forProject();

  @Test
  void allThreeSafetyFieldsTogetherAreAccepted() {
    assertAccepted("""
        transaction: All
        policy: {destructive: RequireApproval}
        backup: {beforeMigrate: true, claimName: db-backups, keep: 5, image: "postgres:16"}
        """);
  }

  @Test
  void aBackupBeforeMigrateWithoutAClaimIsRejected() {
    assertRejected("backup: {beforeMigrate: true}", "backup.beforeMigrate needs backup.claimName");
  }

  @Test
  void keepIsBoundedOnBothSides() {
    assertRejected("backup: {beforeMigrate: true, claimName: b, keep: 0}", "keep");
    assertRejected("backup: {beforeMigrate: true, claimName: b, keep: 1001}", "keep");
  }

  @Test
  void aClaimNameMustBeAKubernetesNameAndAnImageHoldsNoSpaces() {
    assertRejected("backup: {beforeMigrate: true, claimName: \"../etc\"}", "claimName");
    assertRejected("backup: {beforeMigrate: true, claimName: b, image: \"postgres:16; rm -rf /\"}", "image");
  }

  @Test
  void unknownPolicyAndTransactionValuesAreRejected() {
    assertRejected("policy: {destructive: Ignore}", "destructive");
    assertRejected("transaction: Everything", "transaction");
  }

  @Test
  void aPolicyOtherThanAllowNeedsScriptsTheOperatorCanRead() {
    String fromImage = """
        connectionRef: {name: app-db}
        migrations:
          image: {ref: "ghcr.io/acme/app:1.4.2"}
        policy: {destructive: Refuse}
        """;
    assertThat(CRDS.validate(document(fromImage))).anySatisfy(m -> assertThat(m).contains("scripts inside migrations.image"));
    assertThat(CRDS.validate(document(fromImage.replace("Refuse", "Allow")))).isEmpty();
  }

  private static void assertAccepted(String fields) {
    assertThat(CRDS.validate(withInlineScript(fields))).as("violations").isEmpty();
  }

  private static void assertRejected(String fields, String... words) {
    List<String> violations = CRDS.validate(withInlineScript(fields));
    assertThat(violations).as("violations of %s", fields).anySatisfy(m -> assertThat(m).contains(words));
  }

  private static String withInlineScript(String fields) {
    return document("""
        connectionRef: {name: app-db}
        migrations:
          inline: [{name: V1__a.sql, sql: "CREATE TABLE a (id INT);"}]
        """ + fields + "\n");
  }

  private static String document(String spec) {
    return """
        apiVersion: dbops.io/v1alpha1
        kind: DatabaseSchema
        metadata: {name: app, namespace: team-a}
        spec:
        %s""".formatted(spec.indent(2));
  }
}
