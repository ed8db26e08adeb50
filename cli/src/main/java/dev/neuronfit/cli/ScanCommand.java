package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hub.HubSettings;
import dev.neuronfit.io.hub.ModelArguments;
import dev.neuronfit.kb.Edition;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.kb.Target;
import dev.neuronfit.report.ScanCsvRenderer;
import dev.neuronfit.report.ScanHtmlRenderer;
import dev.neuronfit.report.ScanJsonLinesRenderer;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** Most ids one --ids file may list. */
  static final int MAX_IDS = 1_000_000;

  /** Largest --ids file read. */
  static final long MAX_IDS_FILE_BYTES = 64L << 20;

  @Parameters(
      paramLabel = "PATH",
      arity = "0..*",
      description =
          "Folders to search, model files and folders, or ids of models on the Hugging Face Hub"
              + " (ORG/NAME[@REVISION]).")
  List<String> arguments = List.of();

  @Option(
      names = "--ids",
      paramLabel = "FILE",
      description =
          "Also check the Hugging Face Hub models listed in FILE, one id a line (# starts a"
              + " comment; blank lines are skipped).")
  Path idsFile;

  /** The environment the Hub's settings come from; tests set their own. */
  Map<String, String> environment = System.getenv();

  /** Local paths among the arguments, searched for models. */
  private List<Path> paths = List.of();

  @Option(
      names = "--format",
      paramLabel = "F",
      description =
          "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); jsonl is one"
              + " JSON object a line, resumed when --output names a file a stopped scan wrote.")
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
    List<Scanner.Input> inputs = inputs();
    checkOutputFolder();

    ReadLimits limits = ReadLimits.DEFAULT.withMaxSearchDepth(maxDepth);
    Inspector inspector = new Inspector(kb, limits);
    ModelLocator locator = ModelLocator.forScan(limits);
    ModelArguments hub =
        new ModelArguments(
            limits,
            () ->
                HubSettings.fromEnvironment(environment, Path.of(System.getProperty("user.home"))));
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
      if (output == null) {
        bar.count(locator, paths, named(inputs));
        Writer out = bar.above(spec.commandLine().getOut());
        run = scan(scanner, inputs, hub, Set.of(), out, edition, targets, threshold, err, bar);
      } else if (format == ScanFormat.jsonl) {
        try (JsonLinesOutput file = JsonLinesOutput.open(output)) {
          Set<String> done = file.done();
          if (!done.isEmpty() && !quiet) {
            bar.above(
                () -> {
                  err.println(
                      "neuronfit: "
                          + output
                          + " has "
                          + done.size()
                          + " input(s) done already; going on with the rest");
                  err.flush();
                });
          }
          bar.count(
              locator,
              paths,
              (int)
                  inputs.stream()
                      .filter(i -> i instanceof Scanner.Input.Named n && !done.contains(n.id()))
                      .count());
          run =
              scan(
                  scanner, inputs, hub, done, file.writer(), edition, targets, threshold, err, bar);
        } catch (ScanOutput.Failed e) {
          return outputFailed(e, bar, err);
        } catch (UncheckedIOException e) {
          if (e.getCause() instanceof ScanOutput.Failed f) {
            return outputFailed(f, bar, err);
          }
          if (e.getCause() != null) {
            return outputFailed(new ScanOutput.Failed(output, e.getCause()), bar, err);
          }
          throw e;
        }
      } else {
        bar.count(locator, paths, named(inputs));
        try (ScanOutput file = ScanOutput.open(output)) {
          run =
              scan(
                  scanner,
                  inputs,
                  hub,
                  Set.of(),
                  file.writer(),
                  edition,
                  targets,
                  threshold,
                  err,
                  bar);
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

  private static int named(List<Scanner.Input> inputs) {
    return (int) inputs.stream().filter(i -> i instanceof Scanner.Input.Named).count();
  }

  /**
   * The arguments in order, then the ids of --ids: an argument that exists locally is a path (it
   * wins over an id spelt the same), else one spelt as an id is a Hub model, else a path (whose
   * absence the scan reports). Ids that come twice are read once.
   */
  private List<Scanner.Input> inputs() throws IOException {
    List<Scanner.Input> out = new ArrayList<>();
    List<Path> local = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (String a : arguments) {
      if (ModelArguments.existing(a).isEmpty() && ModelArguments.isId(a)) {
        if (ids.add(a)) {
          out.add(new Scanner.Input.Named(a));
        }
      } else {
        Path p;
        try {
          p = Path.of(a);
        } catch (java.nio.file.InvalidPathException e) {
          throw new ParameterException(
              spec.commandLine(), "not a path: " + a.replaceAll("\\p{Cntrl}", "?"));
        }
        local.add(p);
        out.add(new Scanner.Input.Local(p));
      }
    }
    if (idsFile != null) {
      for (String id : readIds()) {
        if (ids.add(id)) {
          out.add(new Scanner.Input.Named(id));
        }
      }
    }
    if (out.isEmpty() && idsFile == null) {
      throw new ParameterException(
          spec.commandLine(), "give at least one PATH or id, or --ids FILE");
    }
    paths = List.copyOf(local);
    return out;
  }

  /** The ids of --ids FILE: one a line, {@code #} starts a comment, blank lines are skipped. */
  private List<String> readIds() {
    List<String> lines;
    try {
      if (!Files.isRegularFile(idsFile)) {
        throw new ParameterException(
            spec.commandLine(), "--ids " + idsFile + ": no such file (or not a regular file)");
      }
      if (Files.size(idsFile) > MAX_IDS_FILE_BYTES) {
        throw new ParameterException(
            spec.commandLine(),
            "--ids " + idsFile + ": over the limit of " + MAX_IDS_FILE_BYTES + " bytes");
      }
      lines = Files.readAllLines(idsFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ParameterException(
          spec.commandLine(), "--ids " + idsFile + ": " + Errors.describe(e));
    }
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      int hash = line.indexOf('#');
      String id = (hash < 0 ? line : line.substring(0, hash)).strip();
      if (!id.isEmpty()) {
        ids.add(id);
      }
      if (ids.size() > MAX_IDS) {
        throw new ParameterException(
            spec.commandLine(), "--ids " + idsFile + ": more than " + MAX_IDS + " ids");
      }
    }
    return ids;
  }

  /** --output could not be written: one line naming it, as a usage error. */
  private int outputFailed(ScanOutput.Failed e, ScanProgress bar, PrintWriter err) {
    bar.above(() -> Errors.report(err, e, common.verbose));
    return ExitCodes.USAGE;
  }

  private Run scan(
      Scanner scanner,
      List<Scanner.Input> inputs,
      ModelArguments hub,
      Set<String> done,
      Writer out,
      Edition edition,
      List<Target> targets,
      Optional<FailOn> threshold,
      PrintWriter err,
      ScanProgress bar)
      throws InterruptedException {
    List<String> now = nowTargets(edition);
    ScanRenderer renderer = renderer(out, edition, targets, now);
    ScanSummary.Tally tally = new ScanSummary.Tally(targets.stream().map(Target::id).toList(), now);
    boolean[] failed = {false};
    boolean[] badPath = {false};
    renderer.begin();
    scanner.scan(
        inputs,
        hub::locateId,
        done::contains,
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
            if (renderer instanceof ScanSarifRenderer sarif) {
              sarif.pathFailed(path.toString(), Errors.oneLine(Errors.describe(problem)));
            }
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

          @Override
          public void finished(String key) {
            if (renderer instanceof ScanJsonLinesRenderer lines) {
              lines.finished(key);
            }
          }
        });
    ScanSummary summary = tally.summary();
    renderer.end(summary);
    return new Run(summary, failed[0], badPath[0]);
  }

  /**
   * The renderer of the chosen format.
   *
   * @param now targets no edition rates, shown with today's best stack (trn2, trn3)
   */
  ScanRenderer renderer(Writer out, Edition edition, List<Target> targets, List<String> now) {
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
      case csv -> new ScanCsvRenderer(out, targets, now);
      case json -> new ScanJsonRenderer(out, edition, Inspector.version());
      case jsonl -> new ScanJsonLinesRenderer(out);
      case html ->
          new ScanHtmlRenderer(
              out, new TempFileScratch(), edition, targets, now, Inspector.version());
      case sarif -> new ScanSarifRenderer(out, edition, Inspector.version(), Path.of(""));
    };
  }

  /** Targets no edition rates (trn2, trn3), selected: a column each with today's best stack. */
  private List<String> nowTargets(Edition edition) {
    return KnowledgeBase.load().supportNow().targetIds().stream()
        .filter(t -> edition.target(t).isEmpty())
        .filter(
            t ->
                fitOptions.editionOptions.targets.isEmpty()
                    || fitOptions.editionOptions.targets.contains(t))
        .toList();
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
      // jsonl appends to FILE, and only when every line of it is neuronfit's (JsonLinesOutput)
      boolean replaced = format != ScanFormat.jsonl && Files.exists(written);
      if (written.equals(input) || (written.startsWith(input) && replaced)) {
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
