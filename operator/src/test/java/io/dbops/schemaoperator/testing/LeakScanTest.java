package io.dbops.schemaoperator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class LeakScanTest {
  private static final String PASSWORD = "S3cret Pa55/wo\"rd+=";

  private static LeakScan scanFor(String value) {
    LeakScan scan = new LeakScan();
    scan.secret("Secret team-a/app-db key password", value);
    return scan;
  }

  @Test
  void the_plain_value_is_found_and_the_finding_names_the_secret_key_but_not_the_value() {
    var findings = scanFor(PASSWORD).scan("the log", "connecting with " + PASSWORD + " now");

    assertThat(findings).singleElement().satisfies(f -> assertThat(f)
        .contains("the log", "Secret team-a/app-db key password", "connecting with <secret> now")
        .doesNotContain(PASSWORD));
  }

  @Test
  void base64_is_found_wherever_the_value_starts_inside_a_longer_encoded_text() {
    LeakScan scan = scanFor(PASSWORD);
    for (String before : new String[] {"", "u", "us", "user=app;password="}) {
      String encoded = Base64.getEncoder().encodeToString((before + PASSWORD + ";sslmode=disable").getBytes(StandardCharsets.UTF_8));
      String urlSafe = Base64.getUrlEncoder().encodeToString((before + PASSWORD).getBytes(StandardCharsets.UTF_8));

      assertThat(scan.scan("a ConfigMap", "data: " + encoded)).as("after %d bytes", before.length()).isNotEmpty();
      assertThat(scan.scan("a ConfigMap", "data: " + urlSafe)).as("URL-safe, after %d bytes", before.length()).isNotEmpty();
    }
  }

  @Test
  void url_encoded_and_json_escaped_values_are_found() {
    LeakScan scan = scanFor(PASSWORD);

    assertThat(scan.scan("a URL", "jdbc:postgresql://db/app?password=" + URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8)))
        .singleElement().satisfies(f -> assertThat(f).contains("form-URL-encoded"));
    assertThat(scan.scan("a URL", "postgres://app:S3cret%20Pa55%2Fwo%22rd%2B%3D@db/app")).isNotEmpty();
    assertThat(scan.scan("a URL", "postgres://app:S3cret%20Pa55%2fwo%22rd%2b%3d@db/app")).as("lower-case escapes").isNotEmpty();
    assertThat(scan.scan("a status", "{\"message\":\"login S3cret Pa55/wo\\\"rd+= refused\"}")).isNotEmpty();
  }

  @Test
  void a_value_cut_short_is_still_found_by_its_first_characters() {
    String generated = "kX9-q2_Lw.8+ZpR4tV7yB1nM3cF6hJ0d";

    assertThat(scanFor(generated).scan("an event", "login as postgres with kX9-q2_L... refused")).isNotEmpty();
    assertThat(scanFor(generated).scan("an event", "login as postgres with kX9-q2_ refused")).as("seven characters").isEmpty();
  }

  @Test
  void text_without_the_value_has_no_findings() {
    assertThat(scanFor(PASSWORD).scan("the log", "password authentication failed for user \"app\"")).isEmpty();
  }

  @Test
  void a_test_secret_too_short_to_scan_for_is_a_problem_not_a_silent_pass() {
    LeakScan scan = new LeakScan();
    scan.secret("Secret a/b key password", "secret");

    assertThat(scan.problems()).singleElement().satisfies(p -> assertThat(p).contains("Secret a/b key password", "8"));
    assertThat(scan.secrets()).isZero();
  }

  @Test
  void a_secret_write_teaches_its_values_from_data_and_string_data_but_not_its_username() {
    LeakScan scan = new LeakScan();
    String base64 = Base64.getEncoder().encodeToString("Fr0m-Data-Field-99".getBytes(StandardCharsets.UTF_8));
    scan.secretWrite("team-a/app-db", "{\"kind\":\"Secret\",\"data\":{\"password\":\"" + base64 + "\"},"
        + "\"stringData\":{\"username\":\"application-user\",\"token\":\"Fr0m-String-Data-7\"}}");

    assertThat(scan.scan("x", "Fr0m-Data-Field-99")).singleElement().satisfies(f -> assertThat(f).contains("key password"));
    assertThat(scan.scan("x", "Fr0m-String-Data-7")).singleElement().satisfies(f -> assertThat(f).contains("key token"));
    assertThat(scan.scan("x", "application-user")).as("usernames are not secret").isEmpty();
    assertThat(scan.problems()).isEmpty();
  }
}
