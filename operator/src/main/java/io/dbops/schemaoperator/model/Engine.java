package io.dbops.schemaoperator.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The database engines a connection can point at. */
public enum Engine {
  @JsonProperty("postgres")
  POSTGRES(5432),
  @JsonProperty("mysql")
  MYSQL(3306),
  @JsonProperty("mariadb")
  MARIADB(3306),
  @JsonProperty("sqlserver")
  SQLSERVER(1433);

  private final int defaultPort;

  Engine(int defaultPort) {
    this.defaultPort = defaultPort;
  }

  public int defaultPort() {
    return defaultPort;
  }

  /** The name users write in YAML. */
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Engine fromWireName(String name) {
    for (Engine e : values()) {
      if (e.wireName().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "unknown engine '" + name + "': use one of postgres, mysql, mariadb, sqlserver");
  }
}
