package org.undertake;

import java.util.Map;

/**
 * Why an event was refused. {@code kind} is one of unknown_event, invalid_payload, role, state,
 * gate, segregation, approval, time, limit, rule_error; {@code rule} names the rule ("" if none).
 */
public record Reason(String kind, String message, String rule) {
  static Reason from(Object value) {
    Map<?, ?> m = value instanceof Map ? (Map<?, ?>) value : Map.of();
    return new Reason(str(m.get("kind")), str(m.get("message")), str(m.get("rule")));
  }

  private static String str(Object o) {
    return o == null ? "" : o.toString();
  }
}
