package org.undertake;

/**
 * UT_E_SNAPSHOT: a snapshot or ledger that cannot be restored (damaged, edited, unknown version).
 */
public class SnapshotException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(Status.SNAPSHOT, message);
  }
}
