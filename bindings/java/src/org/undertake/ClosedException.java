package org.undertake;

/** UT_E_CLOSED: the engine was closed; its cases are read-only. */
public class ClosedException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public ClosedException(String message) {
    super(Status.CLOSED, message);
  }
}
