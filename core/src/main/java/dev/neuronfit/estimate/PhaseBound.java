package dev.neuronfit.estimate;

/**
 * The roofline bound of one phase on one target: analytic limits from peak compute and memory
 * bandwidth, not measurements.
 *
 * @param phase the phase name
 * @param bound {@code compute} or {@code memory}: which roof the phase sits under
 * @param latencyLowerBoundSeconds no run can be faster than this on {@code chips} chips
 * @param throughputUpperBoundPerSecond units (inferences, or generated tokens for decode) per
 *     second on those chips; no run can do more
 * @param chips chips the model is spread over (from the sizing)
 * @param instance the instance size the per-instance figure is for, or empty when nothing holds the
 *     model
 * @param throughputPerInstanceUpperBound the per-chip bound times the model copies that fit on that
 *     instance
 */
public record PhaseBound(
    String phase,
    String bound,
    double latencyLowerBoundSeconds,
    double throughputUpperBoundPerSecond,
    int chips,
    java.util.Optional<String> instance,
    double throughputPerInstanceUpperBound) {}
