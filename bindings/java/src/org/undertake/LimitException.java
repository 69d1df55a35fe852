package org.undertake;

/** UT_E_LIMIT: JSON larger or deeper than the engine's limits, or rule work beyond them. */
public class LimitException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public LimitException(String message) {
    super(Status.LIMIT, message);
  }
}
