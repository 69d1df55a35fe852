package org.undertake;

import java.util.List;
import java.util.Map;

/**
 * The answer to {@link Case#fire} and {@link Store#fire}: accepted or not, the state afterwards,
 * the reasons of a refusal, warnings, the gate's trace; from a store also {@link #attempts()},
 * {@link #repeated()} and {@link #requestId()}. The JSON is parsed on first use, so a host that
 * only checks {@link #accepted()} pays nothing for the rest. Immutable and thread-safe.
 */
public final class Outcome {
  private final boolean accepted;
  private final String text;
  private volatile Map<String, Object> json;

  Outcome(boolean accepted, String text) {
    this.accepted = accepted;
    this.text = text;
  }

  /** True when the event was accepted (the case changed). */
  public boolean accepted() {
    return accepted;
  }

  /** The outcome as the library wrote it (JSON text). */
  public String text() {
    return text;
  }

  /** The whole outcome as a map. */
  public Map<String, Object> json() {
    Map<String, Object> j = json;
    if (j == null) {
      j = text == null ? Map.of() : Json.readObject(text);
      json = j;
    }
    return j;
  }

  public String event() {
    return (String) json().get("event");
  }

  /** The ledger sequence number of an accepted event, null for a refusal. */
  public Long seq() {
    return (Long) json().get("seq");
  }

  @SuppressWarnings("unchecked")
  public List<String> state() {
    Object s = json().get("state");
    return s instanceof List ? List.copyOf((List<String>) s) : List.of();
  }

  public List<Reason> reasons() {
    Object r = json().get("reasons");
    return r instanceof List ? ((List<?>) r).stream().map(Reason::from).toList() : List.of();
  }

  public List<Object> warnings() {
    Object w = json().get("warnings");
    return w instanceof List ? List.copyOf(((List<?>) w)) : List.of();
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> trace() {
    Object t = json().get("trace");
    return t instanceof Map ? (Map<String, Object>) t : Map.of();
  }

  public String caseId() {
    return (String) json().get("case_id");
  }

  public long revision() {
    Object r = json().get("revision");
    return r instanceof Number ? ((Number) r).longValue() : 0;
  }

  /** From {@link Store#fire}: how many loads it took (more than 1 when another writer saved). */
  public int attempts() {
    Object a = json().get("attempts");
    return a instanceof Number ? ((Number) a).intValue() : 1;
  }

  /** From {@link Store#fire}: a repeat of a request id already answered; nothing was fired. */
  public boolean repeated() {
    return Boolean.TRUE.equals(json().get("repeated"));
  }

  public String requestId() {
    return (String) json().get("request_id");
  }

  /** This outcome, or a {@link RefusedException} when the event was refused. */
  public Outcome orThrow() {
    if (!accepted)
      throw new RefusedException(this);
    return this;
  }

  @Override
  public String toString() {
    return accepted ? "Outcome[" + event() + " accepted -> " + String.join(", ", state()) + "]"
                    : "Outcome[" + event() + " refused: " + reasons() + "]";
  }
}
