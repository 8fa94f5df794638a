package io.dbops.schemaoperator.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Messages drivers and Flyway produce, with the secrets they sometimes echo, before anyone sees them. */
class SecretScrubberTest {

  @Test
  void theLoginPasswordIsMaskedWhereverItAppears() {
    SecretScrubber scrubber = SecretScrubber.of(Login.of("sa", "Tr0ub4dor&3"));

    assertThat(scrubber.scrub("Login failed for user 'sa' with 'Tr0ub4dor&3' (Tr0ub4dor&3 again)"))
        .isEqualTo("Login failed for user 'sa' with '****' (**** again)");
  }

  @Test
  void passwordsWithRegexCharactersAreMaskedLiterally() {
    SecretScrubber scrubber = SecretScrubber.of(Login.of("sa", "a$1.*b\\2"));

    assertThat(scrubber.scrub("bad password a$1.*b\\2 given")).isEqualTo("bad password **** given");
  }

  @Test
  void aWholeSecretUrlIsMaskedAsOne() {
    String url = "jdbc:sqlserver://sql.corp.example:1433;databaseName=Sales;user=sales;password=Pa55;encrypt=true";
    SecretScrubber scrubber = SecretScrubber.of(Login.ofUrl(url));

    assertThat(scrubber.scrub("Unable to obtain connection from database (" + url + ") for user 'sales'"))
        .isEqualTo("Unable to obtain connection from database (****) for user 'sales'");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "jdbc:sqlserver://db:1433;user=sa;password=Sup3r;encrypt=true | jdbc:sqlserver://db:1433;user=sa;password=****;encrypt=true",
      "jdbc:sqlserver://db:1433;user=sa;PWD=Sup3r                   | jdbc:sqlserver://db:1433;user=sa;PWD=****",
      "jdbc:mysql://db:3306/app?user=app&password=xyz&sslMode=REQUIRED | jdbc:mysql://db:3306/app?user=app&password=****&sslMode=REQUIRED",
      "jdbc:postgresql://db/app?password=hunter2                    | jdbc:postgresql://db/app?password=****",
      "connecting with Password: hunter2                            | connecting with Password: ****"})
  void passwordKeyValuesInUrlsNobodyToldUsAboutAreMasked(String text, String scrubbed) {
    assertThat(new SecretScrubber(List.of()).scrub(text)).isEqualTo(scrubbed);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "postgresql://app:pa55@db.prod.svc:5432/app            | postgresql://app:****@db.prod.svc:5432/app",
      "could not connect to mysql://root:toor@10.0.0.7/app     | could not connect to mysql://root:****@10.0.0.7/app",
      "mssql+pyodbc://sa:YourStrong!Passw0rd@localhost:1433/db | mssql+pyodbc://sa:****@localhost:1433/db"})
  void userinfoPasswordsInUrlsAreMaskedKeepingTheUser(String text, String scrubbed) {
    assertThat(new SecretScrubber(List.of()).scrub(text)).isEqualTo(scrubbed);
  }

  @Test
  void theLongestSecretWinsSoAUrlIsNotLeftHalfMasked() {
    String url = "jdbc:postgresql://db/app?user=app&password=pw";
    // The short password would otherwise be masked first and the URL would no longer match.
    SecretScrubber scrubber = new SecretScrubber(List.of("pw", url));

    assertThat(scrubber.scrub("cannot open " + url)).isEqualTo("cannot open ****");
  }

  @Test
  void theOrderSecretsAreGivenInDoesNotMatter() {
    String url = "jdbc:sqlserver://db:1433;password=pw;user=sa";
    List<String> secrets = Arrays.asList("pw", null, "", url);

    assertThat(new SecretScrubber(secrets).scrub("at " + url))
        .isEqualTo(new SecretScrubber(List.of(url, "pw")).scrub("at " + url))
        .isEqualTo("at ****");
  }

  @Test
  void textWithoutSecretsIsLeftAloneAndNullStaysNull() {
    SecretScrubber scrubber = SecretScrubber.of(Login.of("sa", "pw-long-enough"));

    assertThat(scrubber.scrub("There is already an object named 'users' in the database.")).isEqualTo(
        "There is already an object named 'users' in the database.");
    assertThat(scrubber.scrub(null)).isNull();
    assertThat(SecretScrubber.of(null).scrub("password=x")).isEqualTo("password=****");
  }

  @Test
  void loginsNeverPrintTheirSecrets() {
    assertThat(Login.of("sa", "hunter2").toString()).isEqualTo("Login[username=sa, password=<redacted>]");
    assertThat(Login.ofUrl("jdbc:sqlserver://db;password=hunter2").toString()).isEqualTo("Login[url=<redacted>]");
  }
}
