package org.undertake;

import java.util.List;
import java.util.Objects;

/**
 * Who fires an event: {@code Actor.of("li", "sales")}. The host authenticates; the engine checks
 * the roles.
 */
public record Actor(String id, List<String> roles) {
  public Actor {
    Objects.requireNonNull(id, "actor id");
    roles = List.copyOf(roles);
  }

  public static Actor of(String id, String... roles) {
    return new Actor(id, List.of(roles));
  }

  /** {@code {"id": ..., "roles": [...]}}. */
  public String toJson() {
    return Json.write(this);
  }

  @SuppressWarnings("unchecked")
  static Actor fromJson(Object value) {
    if (!(value instanceof java.util.Map)) return null;
    var map = (java.util.Map<String, Object>) value;
    Object roles = map.get("roles");
    return new Actor(
        String.valueOf(map.get("id")),
        roles instanceof List ? ((List<Object>) roles).stream().map(String::valueOf).toList() : List.of());
  }
}
