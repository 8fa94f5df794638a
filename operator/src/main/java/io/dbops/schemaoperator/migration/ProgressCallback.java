package io.dbops.schemaoperator.migration;

import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/** Prints one line before and after each script, so a Job's log shows where a run stopped. */
final class ProgressCallback implements Callback {
  private final Progress progress;
  private long started;

  ProgressCallback(Progress progress) {
    this.progress = progress;
  }

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE
        || event == Event.AFTER_EACH_MIGRATE_ERROR;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    MigrationInfo info = context.getMigrationInfo();
    String name = info == null ? "?" : info.getScript();
    switch (event) {
      case BEFORE_EACH_MIGRATE -> {
        started = System.nanoTime();
        progress.line("applying " + name);
      }
      case AFTER_EACH_MIGRATE -> progress.line("applied  " + name + " in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      case AFTER_EACH_MIGRATE_ERROR -> progress.line("FAILED   " + name);
      default -> {}
    }
  }

  @Override
  public String getCallbackName() {
    return "schema-operator-progress";
  }
}
