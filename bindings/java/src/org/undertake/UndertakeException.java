package org.undertake;

/**
 * An error reported by the library: {@link #status()} is the C status code, {@link #statusName()}
 * its name ("UT_E_POLICY", ...), the message the library's explanation (file, JSON path, event,
 * rule). Unchecked, as the status it maps is a programming or configuration error, except {@link
 * RefusedException} (a business answer), {@link ConflictException} and {@link
 * UndertakeIOException}, which a host handles where it calls.
 */
public class UndertakeException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private String kind = "";
  private String where = "";

  public UndertakeException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The C status code (include/undertake/undertake.h). */
  public int status() {
    return status;
  }

  /** The stable name of the status, "UT_E_CONFLICT", ... */
  public String statusName() {
    return Status.name(status);
  }

  /**
   * The library's kind of error, a stable lower-case name ("invalid_policy", "invalid_rule",
   * "limit_exceeded", "conflict", ...; "" when the binding raised it).
   */
  public String kind() {
    return kind;
  }

  /**
   * Where the error is: the argument, file and JSON path, event, rule, case or ledger seq it names
   * ("payload", "rules/gates.json: /gates/contract.sign"); "" when it names no place.
   */
  public String where() {
    return where;
  }

  UndertakeException located(String kind, String where) {
    this.kind = kind == null ? "" : kind;
    this.where = where == null ? "" : where;
    return this;
  }

  /** The exception of a status other than UT_OK and UT_REFUSED, with the thread's last error. */
  static UndertakeException of(int status, String message) {
    switch (status) {
      case Status.INVALID_ARGUMENT:
        return new InvalidArgumentException(message);
      case Status.INVALID_JSON:
        return new InvalidJsonException(message);
      case Status.POLICY:
        return new PolicyException(message);
      case Status.SNAPSHOT:
        return new SnapshotException(message);
      case Status.NOT_FOUND:
        return new NotFoundException(message);
      case Status.CONFLICT:
        return new ConflictException(message);
      case Status.LIMIT:
        return new LimitException(message);
      case Status.RULE:
        return new RuleException(message);
      case Status.IO:
        return new UndertakeIOException(message);
      case Status.NO_MEMORY:
        return new NativeOutOfMemoryException(message);
      case Status.CLOSED:
        return new ClosedException(message);
      default:
        return new InternalException(status, message);
    }
  }
}
