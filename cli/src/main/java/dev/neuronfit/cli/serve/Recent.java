package dev.neuronfit.cli.serve;

import dev.neuronfit.report.Report;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/** The last checks answered, newest first, for the page. Thread-safe; bounded. */
final class Recent {
  static final int SIZE = 20;

  /**
   * One check.
   *
   * @param shown what was checked (an id, a path under the models folder, an upload's name)
   * @param link the page of the same check, for ids and paths (an upload is gone afterwards)
   * @param verdicts each model's name and verdict line
   */
  record Entry(String shown, Optional<String> link, List<String> verdicts, Instant at) {
    Entry {
      verdicts = List.copyOf(verdicts);
    }
  }

  private final Deque<Entry> entries = new ArrayDeque<>();

  void add(String shown, Optional<String> link, List<Report> reports) {
    List<String> verdicts = reports.stream().limit(5).map(Recent::verdictLine).toList();
    synchronized (entries) {
      entries.removeIf(e -> e.shown().equals(shown) && e.link().equals(link));
      entries.addFirst(new Entry(shown, link, verdicts, Instant.now()));
      while (entries.size() > SIZE) {
        entries.removeLast();
      }
    }
  }

  /** A model's name, family and the guideline's fit per target. */
  static String verdictLine(Report r) {
    StringBuilder sb =
        new StringBuilder(r.model().path()).append(": ").append(r.architecture().family().id());
    for (var t : r.targets()) {
      sb.append(", ").append(t.target().id()).append(' ').append(t.fit().label());
    }
    return sb.toString();
  }

  List<Entry> list() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }
}
