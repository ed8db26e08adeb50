package dev.neuronfit.report;

import dev.neuronfit.kb.Target;
import dev.neuronfit.rules.Finding;
import dev.neuronfit.rules.Severity;
import dev.neuronfit.verdict.SupportEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * A scan as CSV (RFC 4180: comma separated, CRLF line ends, fields with commas, quotes or line
 * breaks quoted, quotes doubled), one header line then one line per model. Values are ids and plain
 * numbers, for spreadsheets and scripts; the columns are listed in docs/json-schema.md. CSV has no
 * place for totals: {@link #end} writes nothing.
 *
 * <p>Names and errors come from the models (a Hugging Face cache folder may be named {@code
 * models--=HYPERLINK(...)--x}): a cell a spreadsheet would take for a formula starts with a single
 * quote, as OWASP's "CSV Injection" page recommends, so it is shown as text and never evaluated.
 */
public final class ScanCsvRenderer implements ScanRenderer {
  private final CSVPrinter csv;
  private final List<Target> targets;
  private final List<String> nowTargets;

  public ScanCsvRenderer(Writer out, List<Target> targets) {
    this(out, targets, List.of());
  }

  /**
   * @param nowTargets targets no edition rates, given today's best stack and its status in two
   *     columns each after the others (trn2, trn3)
   */
  public ScanCsvRenderer(Writer out, List<Target> targets, List<String> nowTargets) {
    this.targets = List.copyOf(targets);
    this.nowTargets = List.copyOf(nowTargets);
    try {
      this.csv = new CSVPrinter(out, CSVFormat.RFC4180);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The header, e.g. {@code model,path,format,...,inf1_fit,inf1_package,inf1_support,...,error,
   * trn2_now_stack,trn2_now_status,...}: the columns of today's stacks come last, so the earlier
   * columns keep their places.
   */
  public List<String> header() {
    List<String> h = new ArrayList<>(List.of("model", "path", "format", "framework", "family"));
    for (Target t : targets) {
      h.add(t.id() + "_fit");
      h.add(t.id() + "_package");
      h.add(t.id() + "_support");
    }
    h.addAll(
        List.of(
            "parameters",
            "weight_bytes",
            "estimated",
            "top_severity",
            "top_rule",
            "top_target",
            "errors",
            "warnings",
            "infos",
            "error"));
    for (String t : nowTargets) {
      h.add(t + "_now_stack");
      h.add(t + "_now_status");
    }
    return h;
  }

  @Override
  public void begin() {
    print(header());
  }

  @Override
  public void row(ScanRow row, Optional<Report> report) {
    List<String> v = new ArrayList<>(List.of(row.name(), row.path()));
    if (row instanceof ScanRow.Checked c) {
      v.add(c.format().id());
      v.add(c.framework().id());
      v.add(c.family().id());
      for (int i = 0; i < targets.size(); i++) {
        if (i < c.targets().size()) {
          ScanRow.TargetCell cell = c.targets().get(i);
          v.add(cell.fit().id());
          v.add(cell.best().map(s -> s.column().pkg().id()).orElse(""));
          v.add(cell.best().map(SupportEntry::status).map(s -> s.id()).orElse(""));
        } else {
          v.addAll(List.of("", "", ""));
        }
      }
      v.add(number(c.parameters()));
      v.add(number(c.weightBytes()));
      v.add(Boolean.toString(c.estimated()));
      Optional<Finding> top = c.topFinding();
      v.add(top.map(f -> f.severity().id()).orElse(""));
      v.add(top.map(Finding::rule).orElse(""));
      v.add(top.flatMap(Finding::target).orElse(""));
      v.add(Integer.toString(c.findings().getOrDefault(Severity.ERROR, 0)));
      v.add(Integer.toString(c.findings().getOrDefault(Severity.WARNING, 0)));
      v.add(Integer.toString(c.findings().getOrDefault(Severity.INFO, 0)));
      v.add("");
      for (String t : nowTargets) {
        Optional<ScanRow.NowCell> cell =
            c.now().stream().filter(n -> n.target().equals(t)).findFirst();
        v.add(cell.map(ScanRow.NowCell::stack).orElse(""));
        v.add(cell.map(ScanRow.NowCell::status).orElse(""));
      }
    } else {
      ScanRow.Unreadable u = (ScanRow.Unreadable) row;
      int empty = header().size() - 3 - 2 * nowTargets.size();
      for (int i = 0; i < empty; i++) {
        v.add("");
      }
      v.add(u.error());
      for (int i = 0; i < 2 * nowTargets.size(); i++) {
        v.add("");
      }
    }
    print(v);
  }

  @Override
  public void end(ScanSummary summary) {
    try {
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String number(OptionalLong v) {
    return v.isPresent() ? Long.toString(v.getAsLong()) : "";
  }

  /**
   * The cell, with a single quote in front when it starts with a character that makes a spreadsheet
   * read it as a formula: {@code =}, {@code +}, {@code -}, {@code @}, tab or carriage return (the
   * list of OWASP's "CSV Injection" page).
   */
  static String neutralised(String cell) {
    if (cell.isEmpty()) {
      return cell;
    }
    return switch (cell.charAt(0)) {
      case '=', '+', '-', '@', '\t', '\r' -> "'" + cell;
      default -> cell;
    };
  }

  private void print(List<String> values) {
    try {
      csv.printRecord(values.stream().map(ScanCsvRenderer::neutralised).toList());
      csv.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
