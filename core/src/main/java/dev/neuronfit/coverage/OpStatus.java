package dev.neuronfit.coverage;

/** What an operator list says about one operator on one target. */
public enum OpStatus {
  /** The list names it as supported. */
  SUPPORTED("supported"),
  /** The list supports it only under a condition neuronfit cannot check. */
  LIMITED("limited"),
  /** The list does not name it. */
  NOT_LISTED("not-listed"),
  /** It belongs to another operator domain (e.g. {@code com.microsoft}); no Neuron list has it. */
  OTHER_DOMAIN("other-domain"),
  /** A Neuron document places it on the CPU on this target, whatever the list says. */
  CPU_BY_GUIDELINE("cpu-by-guideline");

  private final String id;

  OpStatus(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** True for operators whose nodes would run on the CPU. */
  public boolean onCpu() {
    return this == NOT_LISTED || this == OTHER_DOMAIN || this == CPU_BY_GUIDELINE;
  }
}
