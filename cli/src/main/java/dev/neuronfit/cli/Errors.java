package dev.neuronfit.cli;

import dev.neuronfit.report.Safe;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns exceptions into the one-line messages users see; stack traces only with --verbose. */
public final class Errors {
  private Errors() {}

  static void report(PrintWriter err, Throwable e, boolean verbose) {
    // line breaks become blanks, any other control character a visible escape
    err.println("neuronfit: " + Safe.escapeControls(oneLine(describe(e))));
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
  }

  /**
   * File-system errors name the file (its control characters escaped, line breaks included) and the
   * reason; others give their message.
   */
  public static String describe(Throwable e) {
    if (e instanceof NoSuchFileException f) {
      return Safe.escapeControls(f.getFile()) + ": no such file or folder";
    }
    if (e instanceof AccessDeniedException f) {
      return Safe.escapeControls(f.getFile()) + ": permission denied";
    }
    if (e instanceof FileSystemException f) {
      return Safe.escapeControls(f.getFile())
          + ": "
          + (f.getReason() == null ? e.getClass().getSimpleName() : f.getReason());
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  public static String oneLine(String s) {
    return s.replaceAll("\\s+", " ").strip();
  }
}
