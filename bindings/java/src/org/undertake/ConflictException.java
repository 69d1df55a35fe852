package org.undertake;

/** UT_E_CONFLICT: a case id already open or stored, or a stale revision: load the case again. */
public class ConflictException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public ConflictException(String message) {
    super(Status.CONFLICT, message);
  }
}
