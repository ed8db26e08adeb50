package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.report.ScanCsvRenderer;
import dev.neuronfit.report.ScanHtmlRenderer;
import dev.neuronfit.report.ScanJsonRenderer;
import dev.neuronfit.report.ScanMarkdownRenderer;
import dev.neuronfit.report.ScanRenderer;
import dev.neuronfit.report.ScanSarifRenderer;
import dev.neuronfit.report.ScanSummary;
import dev.neuronfit.report.ScanTextRenderer;
import dev.neuronfit.report.Style;
import dev.neuronfit.scan.Scanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code neuronfit scan}: every model under the given folders, checked in parallel, as one table. A
 * model that cannot be read is a row with its error; it never stops the scan.
 */
@Command(
    name = "scan",
    mixinStandardHelpOptions = true,
    description = {
      "Find every model under the given folders, check them in parallel and print one summary:"
          + " model, format, family, fit and best-supported package per target, parameters,"
          + " weight bytes and the most severe finding.",
      "Models that cannot be read are rows with their error; they never stop the scan."
    },
    sortOptions = false)
final class ScanCommand implements Callable<Integer> {
  /** Folder levels searched below each PATH unless --max-depth says otherwise. */
  static final int DEFAULT_DEPTH = 16;

  /** More threads than this only cost memory: reading models is bound by CPU and disk. */
  static final int MAX_JOBS = 256;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PATH",
      arity = "1..*",
      description = "Folders to search, or model files and folders.")
  List<Path> paths;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  ScanFormat format = ScanFormat.text;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write to FILE instead of standard output (replaced only when the scan ends).")
  Path output;

  @Option(
      names = {"-j", "--jobs"},
      paramLabel = "N",
      description = "Models read at a time (default: the number of processors).")
  Integer jobs;

  @Option(
      names = "--max-depth",
      paramLabel = "N",
      description = "Folder levels searched below each PATH (default: " + DEFAULT_DEPTH + ").")
  int maxDepth = DEFAULT_DEPTH;

  @Option(
      names = "--fail-on",
      paramLabel = "LEVEL",
      description =
          "Exit 1 when a finding or verdict of any model reaches LEVEL ("
              + FailOn.VALUES
              + "), or a model cannot be read.",
      converter = Converters.FailOnValue.class)
  FailOn failOn;

  @Mixin FitOptions fitOptions;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress bar, and no count of unreadable models on stderr.")
  boolean quiet;

  /** For tests, which have no terminal: show the bar anyway, or never. */
  @Option(names = "--progress", hidden = true)
  ScanProgress.Mode progress = ScanProgress.Mode.auto;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    KnowledgeBase kb = KnowledgeBase.load();
    FitOptions.Chosen fit = fitOptions.resolve(kb);
    Optional<FailOn> threshold = Optional.ofNullable(failOn);
    int threads = jobs == null ? Runtime.getRuntime().availableProcessors() : jobs;
    if (threads < 1 || threads > MAX_JOBS) {
      throw new ParameterException(
          spec.commandLine(), "--jobs must be between 1 and " + MAX_JOBS + ", not " + threads);
    }
    if (maxDepth < 0) {
      throw new ParameterException(spec.commandLine(), "--max-depth must be 0 or more");
    }
    checkOutputFolder();

    ReadLimits limits = ReadLimits.DEFAULT.withMaxSearchDepth(maxDepth);
    Inspector inspector = new Inspector(kb, limits);
    ModelLocator locator = ModelLocator.forScan(limits);
    Scanner scanner =
        new Scanner(
            locator,
            m ->
                inspector.inspect(
                    m, fit.edition(), fit.selection(), fit.workload(), fit.hardware()),
            threads);
    Edition edition = fit.edition();
    List<Target> targets = fit.targets();
    PrintWriter err = spec.commandLine().getErr();

    Run run;
    try (ScanProgress bar = ScanProgress.open(progress, quiet, common.noColor, err)) {
      bar.count(locator, paths);
      if (output == null) {
        Writer out = bar.above(spec.commandLine().getOut());
        run = scan(scanner, out, edition, targets, threshold, err, bar);
      } else {
        try (ScanOutput file = ScanOutput.open(output)) {
          run = scan(scanner, file.writer(), edition, targets, threshold, err, bar);
          file.commit();
        } catch (ScanOutput.Failed e) {
          return outputFailed(e, bar, err);
        } catch (UncheckedIOException e) {
          // a renderer's write failed: the file's writer told why
          if (e.getCause() instanceof ScanOutput.Failed f) {
            return outputFailed(f, bar, err);
          }
          throw e;
        }
      }
    }
    if (run.summary().unreadable() > 0 && !quiet) {
      err.println(
          "neuronfit: "
              + run.summary().unreadable()
              + " of "
              + run.summary().models()
              + " models could not be read (see their rows)");
      err.flush();
    }
    if (run.badPath()) {
      return ExitCodes.BAD_INPUT;
    }
    return run.failed() ? ExitCodes.FAIL_ON : ExitCodes.OK;
  }

  private record Run(ScanSummary summary, boolean failed, boolean badPath) {}

  /** --output could not be written: one line naming it, as a usage error. */
  private int outputFailed(ScanOutput.Failed e, ScanProgress bar, PrintWriter err) {
    bar.above(() -> Errors.report(err, e, common.verbose));
    return ExitCodes.USAGE;
  }

  private Run scan(
      Scanner scanner,
      Writer out,
      Edition edition,
      List<Target> targets,
      Optional<FailOn> threshold,
      PrintWriter err,
      ScanProgress bar)
      throws InterruptedException {
    ScanRenderer renderer = renderer(out, edition, targets);
    ScanSummary.Tally tally = new ScanSummary.Tally(targets.stream().map(Target::id).toList());
    boolean[] failed = {false};
    boolean[] badPath = {false};
    renderer.begin();
    scanner.scan(
        paths,
        new Scanner.Listener() {
          @Override
          public void searched(int found) {
            bar.searched(found);
          }

          @Override
          public void started(Path path) {
            bar.started(path);
          }

          @Override
          public void pathFailed(Path path, IOException problem) {
            bar.above(() -> Errors.report(err, problem, common.verbose));
            badPath[0] = true;
          }

          @Override
          public void outcome(Scanner.Outcome outcome) {
            if (outcome instanceof Scanner.Outcome.Checked c) {
              renderer.row(c.row(), Optional.of(c.report()));
              tally.add(c.row());
              failed[0] |= threshold.isPresent() && threshold.get().fails(c.report());
            } else if (outcome instanceof Scanner.Outcome.Failed f) {
              renderer.row(f.row(), Optional.empty());
              tally.add(f.row());
              // nothing can be said of a model that cannot be read: it fails any threshold
              failed[0] |= threshold.isPresent();
              if (common.verbose) {
                bar.above(() -> Errors.report(err, f.cause(), true));
              }
            } else {
              tally.skipped();
            }
            bar.done();
          }
        });
    ScanSummary summary = tally.summary();
    renderer.end(summary);
    return new Run(summary, failed[0], badPath[0]);
  }

  /** The renderer of the chosen format. */
  ScanRenderer renderer(Writer out, Edition edition, List<Target> targets) {
    // targets no edition rates (trn2, trn3) get a column with today's best stack
    List<String> now =
        KnowledgeBase.load().supportNow().targetIds().stream()
            .filter(t -> edition.target(t).isEmpty())
            .filter(
                t ->
                    fitOptions.editionOptions.targets.isEmpty()
                        || fitOptions.editionOptions.targets.contains(t))
            .toList();
    return switch (format) {
      case text ->
          new ScanTextRenderer(
              out,
              output == null ? AnsiStyle.forOutput(common.noColor) : Style.PLAIN,
              edition,
              targets,
              now,
              Inspector.version());
      case md -> new ScanMarkdownRenderer(out, edition, targets, now, Inspector.version());
      case csv -> new ScanCsvRenderer(out, targets);
      case json -> new ScanJsonRenderer(out, edition, Inspector.version());
      case html ->
          new ScanHtmlRenderer(out, new TempFileScratch(), edition, targets, Inspector.version());
      case sarif -> new ScanSarifRenderer(out, edition, Inspector.version(), Path.of(""));
    };
  }

  private void checkOutputFolder() {
    if (output == null) {
      return;
    }
    Path dir = output.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ParameterException(
          spec.commandLine(), "--output " + output + ": the folder " + dir + " does not exist");
    }
    if (Files.isDirectory(output)) {
      throw new ParameterException(spec.commandLine(), "--output " + output + " is a folder");
    }
    Path written = realPlace(output);
    for (Path p : paths) {
      Path input;
      try {
        input = p.toRealPath();
      } catch (IOException e) {
        continue; // the scan reports a path it cannot search
      }
      // a new file inside a scanned folder replaces nothing (scan . -o scan.csv is common); an
      // existing one might be a model or part of one, so it is never overwritten
      if (written.equals(input) || (written.startsWith(input) && Files.exists(written))) {
        throw new ParameterException(
            spec.commandLine(),
            "--output "
                + output
                + (written.equals(input)
                    ? " is the scanned path "
                    : " already exists inside the scanned path ")
                + p
                + ": write the scan elsewhere or remove the old file, so that it never replaces a"
                + " model or part of one");
      }
    }
  }

  /** Where FILE would be written, links resolved (its folder exists: checked before). */
  private Path realPlace(Path file) {
    try {
      return Files.exists(file)
          ? file.toRealPath()
          : file.toAbsolutePath().getParent().toRealPath().resolve(file.getFileName());
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "--output " + file + ": " + Errors.describe(e));
    }
  }
}
