package dev.neuronfit.cli;

import dev.neuronfit.report.ReportSchema;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code neuronfit schema}: the JSON Schema of the JSON output, as bundled with this version. */
@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the JSON Schema (draft 2020-12) of the JSON that check, scan and matrix print with"
          + " --format json."
    })
final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(ReportSchema.text());
    out.flush();
    return ExitCodes.OK;
  }
}
