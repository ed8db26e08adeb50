package dev.neuronfit.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The non-fatal notes a reader collects about one model, kept up to a cap ({@link
 * ReadLimits#maxNotes()}) so that a hostile file cannot fill the report with them. Notes past the
 * cap are counted, not kept, and {@link #list()} ends with a line saying how many were dropped.
 *
 * <p>Mutable and not thread-safe: one reader fills it while reading one model. Notes are never
 * null.
 */
public final class Notes {
  private final int max;
  private final List<String> kept = new ArrayList<>();
  private int dropped;

  /**
   * @param max how many notes are kept; a negative number keeps none
   */
  public Notes(int max) {
    this.max = max;
  }

  /** Notes capped by {@code limits}. */
  public Notes(ReadLimits limits) {
    this(limits.maxNotes());
  }

  /** Keeps the note, or counts it when the cap is reached. */
  public void add(String note) {
    Objects.requireNonNull(note, "note");
    if (kept.size() < max) {
      kept.add(note);
    } else {
      dropped++;
    }
  }

  /** Adds each note in order, as {@link #add} does. */
  public void addAll(Collection<String> notes) {
    notes.forEach(this::add);
  }

  /** The notes kept, then, when some were dropped, one line saying how many. Immutable. */
  public List<String> list() {
    if (dropped == 0) {
      return List.copyOf(kept);
    }
    List<String> out = new ArrayList<>(kept);
    out.add(dropped + " more notes not shown");
    return List.copyOf(out);
  }
}
