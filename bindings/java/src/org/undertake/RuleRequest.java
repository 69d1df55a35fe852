package org.undertake;

import java.util.Map;

/**
 * What a {@link CustomRule} decides on: the event, the actor, and the case's facts (the object
 * JsonLogic conditions read: {@code data}, {@code payload}, {@code actor}, {@code state}, {@code
 * risk}, {@code contract}, ...), parsed on first use.
 */
public final class RuleRequest {
  private final String event;
  private final Actor actor;
  private final String factsJson;
  private Map<String, Object> facts;

  RuleRequest(String event, Actor actor, String factsJson) {
    this.event = event;
    this.actor = actor;
    this.factsJson = factsJson;
  }

  public String event() {
    return event;
  }

  public Actor actor() {
    return actor;
  }

  public String factsJson() {
    return factsJson;
  }

  public Map<String, Object> facts() {
    if (facts == null)
      facts = Json.readObject(factsJson);
    return facts;
  }

  /** The fact at a dotted path ("data.customer.tier", "payload.amount"), or null. */
  public Object fact(String path) {
    Object at = facts();
    for (String key : path.split("\\.")) {
      if (!(at instanceof Map))
        return null;
      at = ((Map<?, ?>) at).get(key);
    }
    return at;
  }
}
