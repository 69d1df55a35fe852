package org.undertake;

/** UT_E_RULE: a KPI calculation or process route rule failed while it ran. */
public class RuleException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public RuleException(String message) {
    super(Status.RULE, message);
  }
}
