package io.dbops.schemaoperator.hostile;

/**
 * One row of {@link HostileInputTest}: an input a tenant (or a careless one) could give, and where
 * it must end. Its name is the sentence the test report shows.
 */
sealed interface HostileInput {
  String name();

  /** A row that writes objects into a namespace of its own, for the running operator. */
  sealed interface InNamespace extends HostileInput {
    Setup setup();
  }

  /**
   * Refused by the API server, per the generated CRDs: {@code document} violates exactly one rule,
   * and that violation's text holds every one of {@code rule}'s words.
   */
  record Admission(String name, String document, String... rule) implements HostileInput {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Admitted (or, with {@code pastTheCrd}, stored where the CRD did not check it, as an older CRD
   * would leave it), then refused by the running operator: the {@code kind} named {@code resource}
   * in the row's namespace ends with condition {@code expected}, whose message holds {@code message}.
   */
  record Operator(String name, Kind kind, String resource, Expected expected, String message, boolean pastTheCrd,
      Setup setup) implements InNamespace {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * An object someone other than the operator wrote, dressed as the operator's own (its labels, an
   * owner reference it could give), that must not be believed: DatabaseSchema app of the row's
   * namespace, which the forgery would hold back, migrates and becomes Ready by a Job of its own.
   */
  record Forged(String name, Setup setup) implements InNamespace {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A DatabaseSchema app with deletionPolicy Drop that the operator refused (Stalled), then deleted:
   * it must go without anything dropped or created, with a Warning DropRefused event whose message
   * holds {@code event}, instead of an exception at every attempt to delete it.
   */
  record Deleted(String name, String event, Setup setup) implements InNamespace {
    @Override
    public String toString() {
      return name;
    }
  }

  enum Kind {
    DatabaseConnection,
    DatabaseSchema
  }

  /**
   * The condition a refused resource ends with: Stalled (a person must change something), or for
   * the few inputs that may yet become valid without a change to the resource (a connection created
   * later, an approval naming the plan), Ready False with a reason while it waits.
   */
  record Expected(String reason, boolean stalled) {
    static Expected stalled(String reason) {
      return new Expected(reason, true);
    }

    static Expected waiting(String reason) {
      return new Expected(reason, false);
    }

    @Override
    public String toString() {
      return (stalled ? "Stalled " : "Ready False, waiting: ") + reason;
    }
  }

  /** Writes the row's objects into its namespace. */
  interface Setup {
    void apply(RowNamespace ns) throws Exception;
  }
}
