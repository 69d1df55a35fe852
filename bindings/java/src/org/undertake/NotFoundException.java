package org.undertake;

/** UT_E_NOT_FOUND: a file, case, rule or KPI that does not exist. */
public class NotFoundException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(Status.NOT_FOUND, message);
  }
}
