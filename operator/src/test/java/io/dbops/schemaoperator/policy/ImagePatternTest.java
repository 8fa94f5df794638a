package io.dbops.schemaoperator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Image references read as a container runtime reads them, and the patterns an administrator allows them with. */
class ImagePatternTest {
  private static final String DIGEST = "sha256:" + "a".repeat(64);
  private static final String OTHER_DIGEST = "sha256:" + "b".repeat(64);

  @Test
  void short_docker_hub_names_are_normalised_the_way_the_runtime_pulls_them() {
    assertThat(ref("postgres")).hasToString("docker.io/library/postgres:latest");
    assertThat(ref("postgres:16")).hasToString("docker.io/library/postgres:16");
    assertThat(ref("bitnami/postgresql:16")).hasToString("docker.io/bitnami/postgresql:16");
    assertThat(ref("index.docker.io/library/postgres:16")).hasToString("docker.io/library/postgres:16");
    assertThat(ref("postgres@" + DIGEST)).hasToString("docker.io/library/postgres@" + DIGEST);
    assertThat(ref("localhost:5000/app:1")).hasToString("localhost:5000/app:1");
    assertThat(ref("GHCR.io/acme/app:1").registry()).isEqualTo("ghcr.io");
  }

  @Test
  void anything_the_reference_grammar_does_not_admit_is_no_image() {
    for (String bad : List.of("", " postgres", "postgres ", "Postgres:16", "ghcr.io//app", "ghcr.io/acme/", "ghcr.io/ac me/app",
        "ghcr.io/acme/app:", "ghcr.io/acme/app:-1", "ghcr.io/acme/app@sha256:abc", "ghcr.io/acme/app@@" + DIGEST,
        "ghcr.io/acme/app:1\nghcr.io/evil/app:1", "ghcr.io/acme/äpp", "ghcr.io/acme/app:" + "1".repeat(129),
        "x".repeat(600), "ghcr.io/../app", "-ghcr.io/app", "ghcr.io/acme/app;rm -rf /", "ghcr.io/acme/$(id)")) {
      assertThat(ImageReference.problem(bad)).as("%s", bad).isNotNull();
      assertThat(ImageReference.parse(bad)).as("%s", bad).isEmpty();
    }
    assertThat(ImageReference.problem(null)).isEqualTo("it is empty");
  }

  @Test
  void a_repository_pattern_allows_every_tag_and_digest_of_that_repository_and_nothing_beside_it() {
    ImagePattern postgres = ImagePattern.parse("postgres");

    assertThat(postgres.matches(ref("postgres"))).isTrue();
    assertThat(postgres.matches(ref("postgres:16.4-alpine"))).isTrue();
    assertThat(postgres.matches(ref("docker.io/library/postgres:16"))).isTrue();
    assertThat(postgres.matches(ref("postgres@" + DIGEST))).isTrue();
    assertThat(postgres.matches(ref("postgresql:16"))).as("a longer name").isFalse();
    assertThat(postgres.matches(ref("evil/postgres:16"))).as("another Docker Hub account").isFalse();
    assertThat(postgres.matches(ref("ghcr.io/library/postgres:16"))).as("another registry").isFalse();
    assertThat(postgres.matches(ref("library/postgres/evil:16"))).as("a repository below it").isFalse();
  }

  @Test
  void one_star_stays_within_a_path_segment_and_two_stars_reach_any_depth() {
    ImagePattern oneLevel = ImagePattern.parse("ghcr.io/acme/*");
    ImagePattern anyDepth = ImagePattern.parse("ghcr.io/acme/**");

    assertThat(oneLevel.matches(ref("ghcr.io/acme/app:1.4.2"))).isTrue();
    assertThat(oneLevel.matches(ref("ghcr.io/acme/team/app:1"))).isFalse();
    assertThat(anyDepth.matches(ref("ghcr.io/acme/team/app:1"))).isTrue();
    assertThat(anyDepth.matches(ref("ghcr.io/acme/app@" + DIGEST))).isTrue();
    for (ImagePattern pattern : List.of(oneLevel, anyDepth)) {
      assertThat(pattern.matches(ref("ghcr.io/acme"))).as("acme itself is not below acme").isFalse();
      assertThat(pattern.matches(ref("ghcr.io/acme-evil/app:1"))).as("a name that starts the same").isFalse();
      assertThat(pattern.matches(ref("ghcr.io.evil.com/acme/app:1"))).as("a registry that starts the same").isFalse();
      assertThat(pattern.matches(ref("evil.com/ghcr.io/acme/app:1"))).as("the pattern as a path elsewhere").isFalse();
      assertThat(pattern.matches(ref("docker.io/acme/app:1"))).isFalse();
    }
    ImagePattern prefixed = ImagePattern.parse("ghcr.io/acme/app-*");
    assertThat(prefixed.matches(ref("ghcr.io/acme/app-web:1"))).isTrue();
    assertThat(prefixed.matches(ref("ghcr.io/acme/app/web:1"))).isFalse();
    assertThat(ImagePattern.parse("*.acme.io/app").matches(ref("eu.acme.io/app:1"))).isTrue();
    assertThat(ImagePattern.parse("*.acme.io/app").matches(ref("acme.io.evil.com/app:1"))).isFalse();
  }

  @Test
  void a_tag_pattern_allows_only_images_named_by_a_matching_tag_because_a_digest_overrides_the_tag() {
    ImagePattern sixteen = ImagePattern.parse("postgres:16*");

    assertThat(sixteen.matches(ref("postgres:16"))).isTrue();
    assertThat(sixteen.matches(ref("postgres:16.4-bookworm"))).isTrue();
    assertThat(sixteen.matches(ref("postgres:17"))).isFalse();
    assertThat(sixteen.matches(ref("postgres"))).as("no tag is latest").isFalse();
    assertThat(sixteen.matches(ref("postgres:16@" + DIGEST))).as("the runtime pulls the digest, whatever the tag says").isFalse();
    assertThat(ImagePattern.parse("postgres:latest").matches(ref("postgres"))).isTrue();
  }

  @Test
  void a_digest_pattern_allows_that_digest_alone_with_any_tag_or_none() {
    ImagePattern pinned = ImagePattern.parse("ghcr.io/acme/app@" + DIGEST);

    assertThat(pinned.matches(ref("ghcr.io/acme/app@" + DIGEST))).isTrue();
    assertThat(pinned.matches(ref("ghcr.io/acme/app:1.0@" + DIGEST))).isTrue();
    assertThat(pinned.matches(ref("ghcr.io/acme/app@" + OTHER_DIGEST))).isFalse();
    assertThat(pinned.matches(ref("ghcr.io/acme/app:1.0"))).isFalse();
    assertThat(pinned.matches(ref("ghcr.io/acme/other@" + DIGEST))).isFalse();
  }

  @Test
  void a_lone_star_allows_every_image_and_nothing_else_means_everything() {
    assertThat(ImagePattern.parse("*").matches(ref("evil.example/anything:1"))).isTrue();
    assertThat(ImagePattern.parse("*/*").matches(ref("evil.example/anything:1"))).as("Docker Hub accounts only").isFalse();
    assertThat(ImagePattern.parse("*/*").matches(ref("acme/app:1"))).isTrue();
  }

  @Test
  void regular_expression_characters_in_a_pattern_are_refused_or_mean_themselves() {
    assertThat(ImagePattern.parse("ghcr.io/acme/a.b").matches(ref("ghcr.io/acme/axb"))).as("a dot is a dot").isFalse();
    assertThat(ImagePattern.parse("ghcr.io/acme/a.b").matches(ref("ghcr.io/acme/a.b"))).isTrue();
    assertThat(ImagePattern.parse("ghcr.io/acme/.*").matches(ref("ghcr.io/acme/app"))).as(".* is a dot and a star").isFalse();
    for (String bad : List.of("ghcr.io/acme/(app|evil)", "ghcr.io/acme/[a-z]+", "ghcr.io/acme/app?", "ghcr.io/acme/app\\d",
        "ghcr.io/acme/^app$", "ghcr.io/acme/app{1,2}")) {
      assertThatThrownBy(() -> ImagePattern.parse(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not valid");
    }
  }

  @Test
  void a_pattern_that_could_never_match_or_means_two_things_is_refused_with_what_to_write() {
    assertThatThrownBy(() -> ImagePattern.parse("")).hasMessageContaining("at most");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io/acme/app:")).hasMessageContaining("leave the ':' out");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io/acme/app:1@" + DIGEST)).hasMessageContaining("tag or a digest");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io/acme/app@sha256:*")).hasMessageContaining("in full");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io/acme/a**")).hasMessageContaining("whole segments");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io//app")).hasMessageContaining("empty segments");
    assertThatThrownBy(() -> ImagePattern.parse("ghcr.io/Acme/app")).hasMessageContaining("lower case");
  }

  @Test
  void a_huge_or_pathological_input_is_answered_at_once() {
    String stars = "ghcr.io/" + "*a".repeat(100) + "/app";
    ImagePattern pattern = ImagePattern.parse(stars);
    assertThat(pattern.matches(ref("ghcr.io/" + "a".repeat(199) + "b/app"))).isFalse();
    assertThat(pattern.matches(ref("ghcr.io/" + "a".repeat(200) + "/app"))).isTrue();
    String nearlyValid = "ghcr.io/" + "a-".repeat(120) + "!";
    assertThat(ImageReference.problem(nearlyValid)).isNotNull();
  }

  private static ImageReference ref(String image) {
    return ImageReference.parse(image).orElseThrow(() -> new AssertionError(image + ": " + ImageReference.problem(image)));
  }
}
