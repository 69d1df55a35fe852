package org.undertake;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A KPI report (policy §四) per period and department: each KPI's value, target and score, each
 * department's score and bonus coefficient; null where there is no data (never 0).
 */
public final class KpiReport {
  /** One KPI of the catalogue. */
  public record Kpi(String id, String title, String department, String unit, String direction,
      Double value, Double target, Double score) {}

  /** One department: its score and bonus coefficient, and the weights of its KPIs. */
  public record Department(String id, String title, Double score, Double bonusCoefficient,
      Map<String, Object> weights) {}

  private final Map<String, Object> json;

  KpiReport(Map<String, Object> json) {
    this.json = json;
  }

  static String period(LocalDate from, LocalDate to, boolean skipBadCases) {
    if (from == null || to == null)
      throw new InvalidArgumentException("period: from and to are required");
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("from", from.toString());
    p.put("to", to.toString());
    if (skipBadCases)
      p.put("skip_bad_cases", true);
    return Json.write(p);
  }

  /** The whole report as the library wrote it. */
  public Map<String, Object> json() {
    return json;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> period() {
    return (Map<String, Object>) json.get("period");
  }

  /** The number of cases the report read. */
  public Object cases() {
    return json.get("cases");
  }

  public Map<String, Kpi> kpis() {
    Map<String, Kpi> out = new LinkedHashMap<>();
    objects("kpis").forEach(
        (id, k)
            -> out.put(id,
                new Kpi(id, str(k.get("title")), str(k.get("department")), str(k.get("unit")),
                    str(k.get("direction")), num(k.get("value")), num(k.get("target")),
                    num(k.get("score")))));
    return out;
  }

  @SuppressWarnings("unchecked")
  public Map<String, Department> departments() {
    Map<String, Department> out = new LinkedHashMap<>();
    objects("departments")
        .forEach(
            (id, d)
                -> out.put(id,
                    new Department(id, str(d.get("title")), num(d.get("score")),
                        num(d.get("bonus_coefficient")),
                        d.get("weights") instanceof Map ? (Map<String, Object>) d.get("weights")
                                                        : Map.of())));
    return out;
  }

  /** Cases left out with {@code skip_bad_cases}, and why. */
  @SuppressWarnings("unchecked")
  public List<Object> excluded() {
    Object e = json.get("excluded");
    return e instanceof List ? (List<Object>) e : List.of();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Map<String, Object>> objects(String key) {
    Object o = json.get(key);
    return o instanceof Map ? (Map<String, Map<String, Object>>) o : Map.of();
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }

  private static Double num(Object o) {
    return o instanceof Number ? ((Number) o).doubleValue() : null;
  }

  @Override
  public String toString() {
    return "KpiReport" + json;
  }
}
