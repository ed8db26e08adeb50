package dev.neuronfit.classify;

/**
 * The confidence scale used by every classifier, so that figures mean the same across formats.
 * docs/classification.md describes it for users.
 */
final class Confidence {
  /** A catalogue entry for the model type, confirmed by the architectures class names. */
  static final double CATALOGUE_CONFIRMED = 0.95;

  /** A catalogue entry for the model type (or the diffusers class) alone. */
  static final double CATALOGUE = 0.9;

  /** The model type is unknown but an architectures class name matches a catalogue prefix. */
  static final double CATALOGUE_BY_CLASS = 0.85;

  /** Catalogue entry and class names disagree; the model type wins. */
  static final double CATALOGUE_CONFLICT = 0.75;

  /** A catalogue entry marked "closest": the family is only the nearest guideline family. */
  static final double CLOSEST = 0.7;

  /** Strong structural evidence: several independent signals of one family. */
  static final double STRUCTURE_STRONG = 0.8;

  /** One structural signal, such as a head class suffix or one tensor-name pattern. */
  static final double STRUCTURE_WEAK = 0.6;

  private Confidence() {}
}
