package org.undertake;

import java.util.List;
import java.util.Map;

/**
 * A case in an actor's worklist: where it stands and the events the actor may fire in it now.
 * {@link #json()} has every field the store gives (updated, due, attention, ...).
 */
public record InboxItem(String caseId, String stage, List<String> state, Object customer,
    long revision, List<AvailableEvent> events, Map<String, Object> json) {
  @SuppressWarnings("unchecked")
  static InboxItem from(Object value) {
    Map<String, Object> m = (Map<String, Object>) value;
    Object state = m.get("state");
    Object revision = m.get("revision");
    return new InboxItem((String) m.get("case_id"), (String) m.get("stage"),
        state instanceof List ? (List<String>) state : List.of(), m.get("customer"),
        revision instanceof Number ? ((Number) revision).longValue() : 0,
        AvailableEvent.listFrom(m.get("events")), m);
  }

  /** One page of a worklist; {@code next} is the "after" of the next page (null on the last). */
  public record Page(List<InboxItem> items, String next) {}
}
