package org.undertake;

/** UT_E_INTERNAL (a bug in the library), or a status this binding does not know. */
public class InternalException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public InternalException(int status, String message) {
    super(status, message);
  }
}
