package org.undertake;

/**
 * An approval rule written by the host, referenced from a policy's gate by name: {@code {"id":
 * "credit-ok", "rule": "credit_check", "message": "..."}}. Register it with {@link
 * Engine#registerRule} before loading (or reloading) the policy that references it.
 *
 * <p>It must be deterministic (cases are rebuilt by replaying their ledger) and thread-safe: the
 * engine calls it on the thread that fires, and an engine shared by threads calls it from several
 * at once. An exception it throws makes the rule fail closed (the event is refused, kind
 * "rule_error", with the exception in the message).
 */
@FunctionalInterface
public interface CustomRule {
  Verdict check(RuleRequest request);
}
