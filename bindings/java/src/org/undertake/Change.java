package org.undertake;

import java.util.Map;

/** An entry of a store's change feed: an accepted event or escalation at its global position. */
public record Change(long position, String caseId, Map<String, Object> entry) {
  @SuppressWarnings("unchecked")
  static Change from(Object value) {
    Map<String, Object> m = (Map<String, Object>) value;
    return new Change(((Number) m.get("position")).longValue(), (String) m.get("case_id"),
        (Map<String, Object>) m.get("entry"));
  }
}
