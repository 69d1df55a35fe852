package org.undertake;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The process refused an event (UT_REFUSED): a business answer, thrown only when asked for ({@link
 * Case#fireOrThrow}, {@link Outcome#orThrow}). Nothing changed. {@link #reasons()} says why.
 */
public class RefusedException extends UndertakeException {
  private static final long serialVersionUID = 1L;
  private final transient Outcome outcome;

  public RefusedException(Outcome outcome) {
    super(Status.REFUSED,
        outcome.event() + " refused: "
            + outcome.reasons()
                  .stream()
                  .map(r -> "(" + r.kind() + ") " + r.message())
                  .collect(Collectors.joining("; ")));
    this.outcome = outcome;
  }

  public Outcome outcome() {
    return outcome;
  }

  public List<Reason> reasons() {
    return outcome.reasons();
  }
}
