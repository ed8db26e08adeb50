package dev.neuronfit.io;

import dev.neuronfit.text.Controls;
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
  private static final int MAX_PART_CHARS = 500;

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
    String oneLine = shown(problem.replaceAll("\\s+", " ").strip(), MAX_PART_CHARS);
    String at = shown(place, MAX_PART_CHARS);
    String name = shown(file.toString(), Integer.MAX_VALUE);
    return at.isEmpty() ? name + ": " + oneLine : name + ": " + at + ": " + oneLine;
  }

  /**
   * Places and problems quote names from the file (tensor names, JSON keys), which may hold line
   * breaks, terminal escapes or bidirectional overrides and may be a megabyte long: control
   * characters are escaped by {@link Controls}, the escaper the reports use, and a long place or
   * problem is cut, so the message stays one short, harmless line.
   */
  private static String shown(String text, int maxChars) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_PART_CHARS) + 8);
    for (int i = 0; i < text.length(); i++) {
      if (b.length() >= maxChars) {
        return b.append("...").toString();
      }
      Controls.append(b, text.charAt(i));
    }
    return b.toString();
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
