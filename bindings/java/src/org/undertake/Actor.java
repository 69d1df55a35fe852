package org.undertake;

import java.util.List;
import java.util.Map;
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

  /**
   * An actor from its JSON form, {@code {"id": ..., "roles": [...]}} (e.g. from a scenario file).
   */
  public static Actor fromMap(Map<String, ?> map) {
    Object roles = map.get("roles");
    return new Actor(String.valueOf(map.get("id")),
        roles instanceof List ? ((List<?>) roles).stream().map(String::valueOf).toList()
                              : List.of());
  }

  @SuppressWarnings("unchecked")
  static Actor fromJson(Object value) {
    return value instanceof Map ? fromMap((Map<String, Object>) value) : null;
  }
}
