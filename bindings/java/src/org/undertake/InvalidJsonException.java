package org.undertake;

/** UT_E_INVALID_JSON: text that is not JSON, or JSON of the wrong shape. */
public class InvalidJsonException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public InvalidJsonException(String message) {
    super(Status.INVALID_JSON, message);
  }
}
