package dev.neuronfit.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model file that cannot be read: missing, malformed, hostile or of an unsupported kind.
 *
 * <p>The message is one line: {@code <file>: <place>: <problem>}, where the place is a byte offset,
 * JSON key or file name inside a folder, so a user can find the fault without a stack trace.
 */
public class ModelFormatException extends IOException {
  private final transient Path file;
  private final String place;
  private final String problem;

  /**
   * @param file the file or folder at fault, as the user named it (or as found under it)
   * @param place where in it; empty when the whole file is at fault
   * @param problem what was expected versus what was found
   */
  public ModelFormatException(Path file, String place, String problem) {
    this(file, place, problem, null);
  }

  public ModelFormatException(Path file, String place, String problem, Throwable cause) {
    super(format(file, place, problem), cause);
    this.file = Objects.requireNonNull(file, "file");
    this.place = Objects.requireNonNull(place, "place");
    this.problem = Objects.requireNonNull(problem, "problem");
  }

  private static String format(Path file, String place, String problem) {
    String oneLine = problem.replaceAll("\\s+", " ").strip();
    return place.isEmpty() ? file + ": " + oneLine : file + ": " + place + ": " + oneLine;
  }

  public Path file() {
    return file;
  }

  public String place() {
    return place;
  }

  public String problem() {
    return problem;
  }
}
