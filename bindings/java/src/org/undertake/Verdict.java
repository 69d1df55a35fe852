package org.undertake;

/**
 * A {@link CustomRule}'s answer: passed or not, a message (why it failed; without one the rule's
 * message from the policy is shown) and details (any JSON value, kept in the outcome's trace).
 */
public record Verdict(boolean passed, String message, Object details) {
  public static Verdict pass() {
    return new Verdict(true, null, null);
  }

  public static Verdict fail(String message) {
    return new Verdict(false, message, null);
  }

  public static Verdict of(boolean passed, String message) {
    return new Verdict(passed, message, null);
  }

  public Verdict withDetails(Object details) {
    return new Verdict(passed, message, details);
  }
}
