package org.undertake;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A KPI calculated by the host over the cases' ledgers in a period ({@code {"from", "to",
 * "until"}}: an entry counts when from &lt;= at &lt; until). Empty for "no data in the period"
 * (reported as null, never 0). An exception makes the report fail (RuleException). Thread-safe
 * when the engine is shared by threads.
 */
@FunctionalInterface
public interface KpiCalculator {
  OptionalDouble compute(List<Object> ledgers, Map<String, Object> period);
}
