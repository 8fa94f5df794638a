package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

public enum TlsMode {
  @JsonProperty("disable")
  DISABLE,
  @JsonProperty("require")
  REQUIRE,
  @JsonProperty("verify-ca")
  VERIFY_CA,
  @JsonProperty("verify-full")
  VERIFY_FULL;

  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
