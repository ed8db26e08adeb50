package dev.neuronfit.estimate;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One phase of inference: the whole pass of a non-generative model, or the prefill and the
 * per-token decode of a generative one.
 *
 * @param name {@code inference}, {@code prefill} or {@code decode}
 * @param flops floating-point operations (2 per multiply-accumulate)
 * @param bytesMoved bytes read from and written to device memory at least once: weights, the inputs
 *     and outputs, and the KV cache for decode
 * @param units what one pass produces, for throughput: inferences (batch) or generated tokens
 * @param tokens the lengths a prefill or decode phase was computed at; empty for a single pass
 */
public record Phase(
    String name, double flops, double bytesMoved, double units, Optional<Tokens> tokens) {
  public Phase {
    if (flops < 0 || bytesMoved <= 0 || units <= 0) {
      throw new IllegalArgumentException(
          "phase " + name + ": flops " + flops + ", bytes " + bytesMoved);
    }
    Objects.requireNonNull(tokens, "tokens");
  }

  /** A phase without token lengths (a single pass). */
  public Phase(String name, double flops, double bytesMoved, double units) {
    this(name, flops, bytesMoved, units, Optional.empty());
  }

  /**
   * The lengths a generative phase is computed at, so a published time to first token (prefill) or
   * time per output token (decode) can be compared at the same lengths.
   *
   * @param input prompt tokens (source tokens of an encoder-decoder model): --input-len, else the
   *     sequence length; audio frames for a speech encoder ({@code inputUnit})
   * @param output generated tokens, when --output-len gives them
   * @param context tokens one step attends to: the prompt for prefill; for decode the mean context
   *     over the output tokens, or the longest context without --output-len (a decoder's own
   *     context; the target context of an encoder-decoder)
   * @param inputUnit what {@code input} counts
   */
  public record Tokens(int input, OptionalInt output, double context, InputUnit inputUnit) {
    public Tokens {
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(inputUnit, "inputUnit");
      if (input < 1 || context < 0 || output.isPresent() && output.getAsInt() < 1) {
        throw new IllegalArgumentException(
            "tokens: input " + input + ", output " + output + ", context " + context);
      }
    }

    /** Lengths whose input is tokens. */
    public Tokens(int input, OptionalInt output, double context) {
      this(input, output, context, InputUnit.TOKENS);
    }
  }

  /**
   * What the input of a phase counts: text tokens, or the audio frames a speech encoder reads
   * (Whisper's encoder takes the frames its convolutions make of the mel spectrogram, one position
   * each, never tokens).
   */
  public enum InputUnit {
    TOKENS("tokens", "tokens"),
    AUDIO_FRAMES("audio-frames", "audio frames");

    private final String id;
    private final String words;

    InputUnit(String id, String words) {
      this.id = id;
      this.words = words;
    }

    /** The id in JSON reports. */
    public String id() {
      return id;
    }

    /** Words for reports, after a count: {@code 1500 audio frames}. */
    public String words() {
      return words;
    }
  }

  /** FLOPs per byte moved. */
  public double arithmeticIntensity() {
    return flops / bytesMoved;
  }

  /** The published metric this phase bounds: TTFT for prefill, TPOT for decode; empty otherwise. */
  public Optional<String> metric() {
    return switch (name) {
      case "prefill" -> Optional.of("TTFT");
      case "decode" -> Optional.of("TPOT");
      default -> Optional.empty();
    };
  }
}
