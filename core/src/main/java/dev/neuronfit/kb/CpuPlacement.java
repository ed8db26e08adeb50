package dev.neuronfit.kb;

import java.util.List;
import java.util.Objects;

/**
 * Operators a Neuron document places on the CPU on some targets, whatever an operator list says.
 *
 * @param targets the targets it applies to
 * @param ops the operators, under every naming they appear with (e.g. {@code RoiAlign}, {@code
 *     torchvision::roi_align})
 * @param reason what the document says, in neuronfit's words
 * @param source the document and section
 */
public record CpuPlacement(List<String> targets, List<String> ops, String reason, String source) {
  public CpuPlacement {
    targets = List.copyOf(targets);
    ops = List.copyOf(ops);
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(source, "source");
  }
}
