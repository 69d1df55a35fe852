package org.undertake;

import java.util.List;
import java.util.Map;

/**
 * An event an actor may fire now (the buttons of an ERP screen); a {@code gated} one still checks
 * its gate rules when fired.
 */
public record AvailableEvent(String event, boolean gated) {
  static List<AvailableEvent> listFrom(Object value) {
    if (!(value instanceof List))
      return List.of();
    return ((List<?>) value)
        .stream()
        .map(o -> {
          Map<?, ?> m = (Map<?, ?>) o;
          return new AvailableEvent(
              String.valueOf(m.get("event")), Boolean.TRUE.equals(m.get("gated")));
        })
        .toList();
  }
}
