package dev.neuronfit.io.hub;

import java.io.IOException;

/**
 * A model on the Hub that cannot be checked: not found, gated, offline and not cached, or the
 * network failed. The message is one line that says what was tried and what to do; it never holds
 * the access token.
 */
public class HubException extends IOException {
  private final boolean noSuchModel;

  public HubException(String message) {
    this(message, false);
  }

  /**
   * @param noSuchModel whether the Hub said there is no such repository (or none visible)
   */
  public HubException(String message, boolean noSuchModel) {
    super(message);
    this.noSuchModel = noSuchModel;
  }

  /** Whether the Hub said there is no such repository (or none the token can see). */
  public boolean noSuchModel() {
    return noSuchModel;
  }

  public HubException(String message, Throwable cause) {
    super(message, cause);
    this.noSuchModel = false;
  }
}
