package io.dbops.schemaoperator.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps a copy of everything this JVM logs while it is open: System.out and System.err (where
 * slf4j-simple writes the operator's, java-operator-sdk's, fabric8's and Flyway's log lines), and
 * every java.util.logging record that passes the configured levels, whichever handler would print it.
 * The console still gets all of it.
 */
final class ConsoleCapture implements AutoCloseable {
  private final ByteArrayOutputStream copy = new ByteArrayOutputStream();
  private final PrintStream originalOut;
  private final PrintStream originalErr;
  private final PrintStream teeOut;
  private final PrintStream teeErr;
  private final Handler julHandler;

  private ConsoleCapture() {
    originalOut = System.out;
    originalErr = System.err;
    teeOut = new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8);
    teeErr = new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8);
    julHandler = new Handler() {
      private final SimpleFormatter format = new SimpleFormatter();

      @Override
      public void publish(LogRecord record) {
        byte[] line = format.format(record).getBytes(StandardCharsets.UTF_8);
        synchronized (copy) {
          copy.write(line, 0, line.length);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  static ConsoleCapture start() {
    ConsoleCapture capture = new ConsoleCapture();
    System.setOut(capture.teeOut);
    System.setErr(capture.teeErr);
    Logger.getLogger("").addHandler(capture.julHandler);
    return capture;
  }

  String text() {
    teeOut.flush();
    teeErr.flush();
    synchronized (copy) {
      return copy.toString(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    Logger.getLogger("").removeHandler(julHandler);
    // Only our own streams are put back: a capture started later is still running on top.
    if (System.out == teeOut) {
      System.setOut(originalOut);
    }
    if (System.err == teeErr) {
      System.setErr(originalErr);
    }
  }

  /** Writes to the console and keeps a copy. */
  private final class Tee extends OutputStream {
    private final OutputStream console;

    Tee(OutputStream console) {
      this.console = console;
    }

    @Override
    public void write(int b) {
      synchronized (copy) {
        copy.write(b);
      }
      writeConsole(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      synchronized (copy) {
        copy.write(b, off, len);
      }
      writeConsole(b, off, len);
    }

    private void writeConsole(byte[] b, int off, int len) {
      try {
        console.write(b, off, len);
      } catch (java.io.IOException e) {
        // The console is closed or full; the copy is what the checks read.
      }
    }

    @Override
    public void flush() throws java.io.IOException {
      console.flush();
    }
  }
}
