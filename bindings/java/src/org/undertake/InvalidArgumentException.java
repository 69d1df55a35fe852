package org.undertake;

/** UT_E_INVALID_ARGUMENT: a null where a value is needed, a malformed id, name, time or actor. */
public class InvalidArgumentException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(String message) {
    super(Status.INVALID_ARGUMENT, message);
  }
}
