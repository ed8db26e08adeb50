package dev.neuronfit.rules;

import dev.neuronfit.kb.Section;
import java.util.Optional;

/**
 * The sections of the Model Architecture Fit Guidelines page that rules implement, each written
 * once: heading path and, where the page defines one, its RST label.
 */
final class GuidelineSections {
  static final Section MODEL_SUPPORT_OVERVIEW =
      new Section("Model Support Overview", Optional.empty());

  static final Section RCNN_INF1 =
      new Section(
          "Region-based CNN (R-CNN) models › Inferentia", Optional.of("rcnn_limitations_inf1"));

  static final Section DECODER_INF1 =
      new Section(
          "Decoder models, or autoregressive models with Transformers › Inferentia",
          Optional.empty());

  static final Section ENCODER_DECODER_INF1 =
      new Section(
          "Encoder-decoder models, or sequence-to-sequence models with Transformers › Inferentia",
          Optional.empty());

  static final Section LARGE_MODELS_INF1 =
      new Section(
          "Known Issues on Inferentia (NeuronCore v1) › Support of large models",
          Optional.of("2gb_protobuf_issue"));

  private GuidelineSections() {}
}
