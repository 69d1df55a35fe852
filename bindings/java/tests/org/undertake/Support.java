package org.undertake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test data: the full order of tests/scenarios/full_order.json, read as a host would. */
final class Support {
  private Support() {}

  static final Path SOURCE = Path.of(System.getenv().getOrDefault("UNDERTAKE_SOURCE_DIR", "../.."));
  static final Map<String, Object> FULL_ORDER_FILE = readFullOrder();

  @SuppressWarnings("unchecked")
  static final Map<String, Object> FULL_ORDER =
      (Map<String, Object>) ((List<Object>) FULL_ORDER_FILE.get("cases")).get(0);
  static final Actor MARKET = Actor.of("mei", "market");
  static final Actor SALES = Actor.of("li", "sales");

  private static Map<String, Object> readFullOrder() {
    try {
      String text = Files.readString(SOURCE.resolve("tests/scenarios/full_order.json"));
      return Json.readObject(text);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the full order scenario", e);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> data() {
    return (Map<String, Object>) FULL_ORDER.get("data");
  }

  /** One step of the scenario: event, actor, payload, time. */
  record Step(String event, Actor actor, Object payload, Instant at, Map<String, Object> expect) {}

  @SuppressWarnings("unchecked")
  static List<Step> steps() {
    return ((List<Object>) FULL_ORDER.get("steps"))
        .stream()
        .map(o -> (Map<String, Object>) o)
        .map(s
            -> new Step((String) s.get("event"), Actor.fromJson(s.get("actor")), s.get("payload"),
                Instant.parse((String) s.get("at")),
                s.get("expect") instanceof Map ? (Map<String, Object>) s.get("expect") : Map.of()))
        .toList();
  }

  /** Fires every step (or the first n) on a case; each must be accepted. */
  static void run(Case c, int n) {
    for (Step s : steps().subList(0, n)) c.fireOrThrow(s.event(), s.actor(), s.payload(), s.at());
  }
}
