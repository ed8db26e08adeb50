package dev.neuronfit.testing;

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
 * Reads JSON the tests produced and checks it against its schema: neuronfit's own JSON against
 * docs/schema (as bundled in the jar), SARIF against the official SARIF 2.1.0 schema committed
 * under src/test/resources/sarif. Every test that renders JSON reads it through here, so a change
 * to the output that the schema does not allow fails the build.
 */
public final class JsonSchemas {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema REPORT =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
          .getSchema(ReportSchema.text(), InputFormat.JSON);
  private static final Schema SARIF = sarif();

  private JsonSchemas() {}

  private static Schema sarif() {
    Path file =
        TestFiles.repoRoot().resolve("core/src/test/resources/sarif/sarif-schema-2.1.0.json");
    try {
      // the file declares draft-04 in $schema, which the registry follows
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
          .getSchema(Files.readString(file), InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses neuronfit JSON (check, scan or matrix) and asserts it follows docs/schema. */
  public static JsonNode report(String json) {
    return valid(REPORT, json, "docs/schema/neuronfit.schema.json");
  }

  /** Parses a SARIF log and asserts it follows the SARIF 2.1.0 schema. */
  public static JsonNode sarif(String json) {
    return valid(SARIF, json, "the SARIF 2.1.0 schema");
  }

  /** The schema's complaints about a document, empty when it is valid. */
  public static List<String> reportErrors(JsonNode node) {
    return REPORT.validate(node).stream().map(Error::toString).toList();
  }

  private static JsonNode valid(Schema schema, String json, String name) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + e.getMessage(), e);
    }
    List<String> errors = schema.validate(node).stream().map(Error::toString).toList();
    assertThat(errors).as("output does not follow " + name).isEmpty();
    return node;
  }
}
