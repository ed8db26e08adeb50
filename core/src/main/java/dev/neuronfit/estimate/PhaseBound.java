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
 * @param throughputPerInstanceUpperBound the placement's bound times the model copies that fit on
 *     that instance
 * @param placement which placement the bound is for: {@code smallest} (the smallest instance that
 *     holds the model), {@code fastest} (the largest instance at its highest tensor-parallel
 *     degree) or {@code requested} (--instance and --tp)
 * @param neuronCores NeuronCores the model is split over; their compute and bandwidth are summed
 */
public record PhaseBound(
    String phase,
    String bound,
    double latencyLowerBoundSeconds,
    double throughputUpperBoundPerSecond,
    int chips,
    java.util.Optional<String> instance,
    double throughputPerInstanceUpperBound,
    String placement,
    int neuronCores) {}
