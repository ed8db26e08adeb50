package dev.neuronfit.report;

import dev.neuronfit.kb.Fit;
import dev.neuronfit.model.Family;
import dev.neuronfit.model.ModelFormat;
import dev.neuronfit.model.Quantities;
import dev.neuronfit.rules.Severity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The totals of a scan, made from its rows one by one (see {@link Tally}), so that they cost the
 * same memory for ten models or ten million.
 *
 * @param models rows: models read plus models that could not be read
 * @param unreadable rows of models that could not be read
 * @param skipped files a folder search came across that turned out to hold no model (an archive of
 *     other files, an HDF5 data file); they have no row
 * @param formats models read per format, in {@link ModelFormat} order, formats with none left out
 * @param families models read per family, in {@link Family} order, families with none left out
 * @param fits per target id (in the edition's order), models per fit verdict in {@link Fit} order,
 *     every verdict present
 * @param worstFinding models per severity of their most severe finding, {@code empty} standing for
 *     models without findings; every key present, most severe first
 * @param parameters the sum of the parameters of the models whose count is known
 * @param weightBytes the sum of the weight bytes of the models whose size is known
 * @param someEstimated true when a figure in a sum was estimated from a config
 * @param now per target no edition rates (trn2, trn3), in the order given to the {@link Tally},
 *     models by today's best stack there, stacks in the order they were first met; models without a
 *     path on the target are not counted
 */
public record ScanSummary(
    int models,
    int unreadable,
    int skipped,
    Map<ModelFormat, Integer> formats,
    Map<Family, Integer> families,
    Map<String, Map<Fit, Integer>> fits,
    Map<Optional<Severity>, Integer> worstFinding,
    long parameters,
    long weightBytes,
    boolean someEstimated,
    List<NowCount> now) {
  public ScanSummary {
    formats = Collections.unmodifiableMap(new LinkedHashMap<>(formats));
    families = Collections.unmodifiableMap(new LinkedHashMap<>(families));
    Map<String, Map<Fit, Integer>> f = new LinkedHashMap<>();
    fits.forEach((k, v) -> f.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
    fits = Collections.unmodifiableMap(f);
    worstFinding = Collections.unmodifiableMap(new LinkedHashMap<>(worstFinding));
    now = List.copyOf(now);
  }

  /**
   * How many models have this stack as today's best path on a target no edition rates.
   *
   * @param stack the stack id, empty when no stack serves those models there
   * @param status its status id, empty with no stack
   */
  public record NowCount(String target, String stack, String status, int models) {
    public NowCount {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(stack, "stack");
      Objects.requireNonNull(status, "status");
    }
  }

  /** Models that were read. */
  public int checked() {
    return models - unreadable;
  }

  /** Adds up rows as they come; not thread-safe. */
  public static final class Tally {
    private int models;
    private int unreadable;
    private int skipped;
    private final Map<ModelFormat, Integer> formats = new EnumMap<>(ModelFormat.class);
    private final Map<Family, Integer> families = new EnumMap<>(Family.class);
    private final Map<String, Map<Fit, Integer>> fits = new LinkedHashMap<>();
    private final int[] worst = new int[Severity.values().length + 1];
    private long parameters;
    private long weightBytes;
    private boolean someEstimated;
    private final Map<String, Map<ScanRow.NowCell, Integer>> now = new LinkedHashMap<>();

    /**
     * @param targets the ids of the targets the rows have verdicts for, in order
     */
    public Tally(List<String> targets) {
      this(targets, List.of());
    }

    /**
     * @param targets the ids of the targets the rows have verdicts for, in order
     * @param nowTargets targets no edition rates whose best stack today is counted (trn2, trn3)
     */
    public Tally(List<String> targets, List<String> nowTargets) {
      for (String t : nowTargets) {
        now.put(t, new LinkedHashMap<>());
      }
      for (String t : targets) {
        Map<Fit, Integer> byFit = new EnumMap<>(Fit.class);
        for (Fit fit : Fit.values()) {
          byFit.put(fit, 0);
        }
        fits.put(t, byFit);
      }
    }

    public void add(ScanRow row) {
      Objects.requireNonNull(row, "row");
      models++;
      if (row instanceof ScanRow.Checked c) {
        formats.merge(c.format(), 1, Integer::sum);
        families.merge(c.family(), 1, Integer::sum);
        for (ScanRow.TargetCell cell : c.targets()) {
          Map<Fit, Integer> byFit = fits.get(cell.target());
          if (byFit != null) {
            byFit.merge(cell.fit(), 1, Integer::sum);
          }
        }
        worst[c.topFinding().map(f -> f.severity().ordinal() + 1).orElse(0)]++;
        if (c.parameters().isPresent()) {
          parameters = Quantities.saturatedSum(parameters, c.parameters().getAsLong());
        }
        if (c.weightBytes().isPresent()) {
          weightBytes = Quantities.saturatedSum(weightBytes, c.weightBytes().getAsLong());
        }
        someEstimated |= c.estimated() && c.parameters().isPresent();
        for (ScanRow.NowCell cell : c.now()) {
          Map<ScanRow.NowCell, Integer> byStack = now.get(cell.target());
          if (byStack != null) {
            byStack.merge(cell, 1, Integer::sum);
          }
        }
      } else {
        unreadable++;
      }
    }

    /** A file that a search came across and that held no model. */
    public void skipped() {
      skipped++;
    }

    public ScanSummary summary() {
      Map<Optional<Severity>, Integer> byWorst = new LinkedHashMap<>();
      Severity[] severities = Severity.values();
      for (int i = severities.length - 1; i >= 0; i--) {
        byWorst.put(Optional.of(severities[i]), worst[i + 1]);
      }
      byWorst.put(Optional.empty(), worst[0]);
      List<NowCount> nowCounts = new ArrayList<>();
      now.forEach(
          (t, byStack) ->
              byStack.forEach(
                  (cell, n) -> nowCounts.add(new NowCount(t, cell.stack(), cell.status(), n))));
      return new ScanSummary(
          models,
          unreadable,
          skipped,
          formats,
          families,
          fits,
          byWorst,
          parameters,
          weightBytes,
          someEstimated,
          nowCounts);
    }
  }
}
