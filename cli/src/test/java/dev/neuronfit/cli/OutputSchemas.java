package dev.neuronfit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.neuronfit.report.ReportSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks the JSON and SARIF the command line prints against their schemas: docs/schema as bundled
 * in the jar, and the official SARIF 2.1.0 schema committed under core's test resources. {@link
 * MainTest#run} calls it for every run with {@code --format json} or {@code --format sarif}, so
 * every such output of the CLI tests is checked.
 */
final class OutputSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path ROOT = Path.of(System.getProperty("neuronfit.root", ".."));
  private static final Schema REPORT =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(ReportSchema.text(), InputFormat.JSON);
  private static final Schema SARIF = sarif();

  private OutputSchemas() {}

  private static Schema sarif() {
    Path file = ROOT.resolve("core/src/test/resources/sarif/sarif-schema-2.1.0.json");
    try {
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(Files.readString(file), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that output in this format follows its schema; other formats are not checked.
   *
   * @param format the value of --format
   */
  static void check(String format, String output) {
    if (format.equals("jsonl")) {
      // every line is a document of its own
      output.lines().forEach(line -> check("json", line));
      return;
    }
    Schema schema =
        switch (format) {
          case "json" -> REPORT;
          case "sarif" -> SARIF;
          default -> null;
        };
    if (schema == null) {
      return;
    }
    JsonNode node;
    try {
      node = JSON.readTree(output);
    } catch (IOException e) {
      throw new AssertionError("--format " + format + " printed no JSON: " + e.getMessage(), e);
    }
    List<String> errors = schema.validate(node).stream().map(Error::toString).toList();
    assertThat(errors).as("--format " + format + " output against its schema").isEmpty();
  }
}
