package dev.neuronfit.cli;

/** The process exit codes, in one place. */
final class ExitCodes {
  /** The checks ran and nothing reached the --fail-on level. */
  static final int OK = 0;

  /** A finding or verdict reached the --fail-on level; for plan, no plan for the model there. */
  static final int FAIL_ON = 1;

  /** The command line was wrong. */
  static final int USAGE = 2;

  /** An input could not be read: missing, malformed, hostile or of an unsupported format. */
  static final int BAD_INPUT = 3;

  /** A bug in neuronfit. */
  static final int INTERNAL = 4;

  private ExitCodes() {}
}
