package dev.neuronfit.cli;

import dev.neuronfit.Inspector;
import dev.neuronfit.io.ModelLocator;
import dev.neuronfit.io.ReadLimits;
import dev.neuronfit.io.hub.HubSettings;
import dev.neuronfit.io.hub.ModelArguments;
import dev.neuronfit.kb.KnowledgeBase;
import dev.neuronfit.plan.PlanOutcome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code neuronfit plan}: the first commands to run for one model on one target. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = {
      "Write the commands to compile and run one model on one target with today's best stack:",
      "the instance, why, what it assumes, the buckets, what to check after the first run and the"
          + " source of every flag."
    },
    sortOptions = false)
final class PlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL",
      arity = "1",
      description = "A model folder or file, or a Hub model id.")
  String model;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  PlanFormat format = PlanFormat.md;

  @Mixin FitOptions fitOptions;

  @Mixin CommonOptions common;

  /** Where Hub settings come from; tests give their own. */
  Map<String, String> environment = System.getenv();

  @Override
  public Integer call() throws Exception {
    List<String> targets = fitOptions.editionOptions.targets;
    if (targets.size() != 1) {
      throw new ParameterException(
          spec.commandLine(), "plan needs exactly one --target (inf1, inf2, trn1, trn2 or trn3)");
    }
    KnowledgeBase kb = KnowledgeBase.load();
    FitOptions.Chosen fit = fitOptions.resolve(kb);
    PrintWriter err = spec.commandLine().getErr();
    ModelArguments arguments =
        new ModelArguments(
            ReadLimits.DEFAULT,
            () ->
                HubSettings.fromEnvironment(environment, Path.of(System.getProperty("user.home"))));
    List<ModelLocator.Located> models;
    try {
      models = arguments.locate(model);
    } catch (IOException e) {
      Errors.report(err, e, common.verbose);
      return ExitCodes.BAD_INPUT;
    }
    if (models.size() != 1) {
      throw new ParameterException(
          spec.commandLine(),
          Errors.oneLine(model)
              + " holds "
              + models.size()
              + " models; plan takes one (name its folder or file)");
    }
    PlanOutcome outcome;
    try {
      outcome =
          new Inspector(kb, ReadLimits.DEFAULT)
              .plan(
                  models.get(0),
                  fit.edition(),
                  fit.selection(),
                  fit.workload(),
                  fit.hardware(),
                  targets.get(0));
    } catch (IOException e) {
      Errors.report(err, e, common.verbose);
      return ExitCodes.BAD_INPUT;
    }
    if (outcome.plan().isEmpty()) {
      err.println(
          "neuronfit: no plan for "
              + Errors.oneLine(model)
              + " on "
              + targets.get(0)
              + ": "
              + outcome.reason());
      return ExitCodes.FAIL_ON;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(format.render(outcome.plan().get()));
    out.flush();
    return ExitCodes.OK;
  }
}
