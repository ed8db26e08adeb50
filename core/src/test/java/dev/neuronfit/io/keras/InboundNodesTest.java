package dev.neuronfit.io.keras;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.neuronfit.io.keras.InboundNodes.Call;
import dev.neuronfit.io.keras.InboundNodes.Ref;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundNodesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<Call> read(String json) throws Exception {
    return InboundNodes.read(JSON.readTree(json));
  }

  private static String tensor(String layer, int node, int index) {
    return "{\"class_name\": \"__keras_tensor__\", \"config\": {\"shape\": [null, 4],"
        + " \"keras_history\": [\""
        + layer
        + "\", "
        + node
        + ", "
        + index
        + "]}}";
  }

  @Test
  void readsKeras2CallsWithTensorsAndScalarsInTheirKwargs() throws Exception {
    List<Call> calls =
        read(
            "[[[\"q\", 0, 0, {\"value\": [\"enc\", 1, 2], \"use_causal_mask\": true,"
                + " \"training\": null}]]]");

    assertThat(calls)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.args()).containsExactly(new Ref("q", 0, 0));
              assertThat(c.kwargTensors()).containsEntry("value", new Ref("enc", 1, 2));
              assertThat(c.kwargScalars()).containsOnlyKeys("use_causal_mask");
            });
  }

  @Test
  void readsKeras1EntriesWithoutKwargsAndSeveralCallsOfASharedLayer() throws Exception {
    List<Call> calls = read("[[[\"a\", 0, 0]], [[\"b\", 0, 0], [\"c\", 0, 1]]]");

    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).args()).containsExactly(new Ref("b", 0, 0), new Ref("c", 0, 1));
  }

  @Test
  void readsKeras3TensorsNestedInListsAndKwargs() throws Exception {
    List<Call> calls =
        read(
            "[{\"args\": [["
                + tensor("x", 0, 0)
                + ", "
                + tensor("y", 0, 0)
                + "]], \"kwargs\": {\"key\": "
                + tensor("k", 0, 0)
                + ", \"use_causal_mask\": true}}]");

    assertThat(calls)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.args()).containsExactly(new Ref("x", 0, 0), new Ref("y", 0, 0));
              assertThat(c.kwargTensors()).containsEntry("key", new Ref("k", 0, 0));
              assertThat(c.kwargScalars()).containsKey("use_causal_mask");
            });
  }

  @Test
  void ignoresWhatIsNotATensorReference() throws Exception {
    assertThat(read("{\"not\": \"a list\"}")).isEmpty();
    assertThat(read("[[[\"a\", 0.5, 0]], [[1, 0, 0]], [\"x\"]]"))
        .allSatisfy(c -> assertThat(c.args()).isEmpty());
    JsonNode notHistory = JSON.readTree("[\"a\", 0]");
    assertThat(InboundNodes.history(notHistory)).isEmpty();
  }

  @Test
  void namesValuesByLayerWithTheCallAndOutputWhenNotZero() {
    assertThat(new Ref("dense", 0, 0).valueName("")).isEqualTo("dense");
    assertThat(new Ref("dense", 1, 2).valueName("block")).isEqualTo("block/dense@1[2]");
  }
}
