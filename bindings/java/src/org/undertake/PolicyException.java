package org.undertake;

/** UT_E_POLICY: a policy or rule that does not validate or compile (file, JSON path, reason). */
public class PolicyException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public PolicyException(String message) {
    super(Status.POLICY, message);
  }
}
