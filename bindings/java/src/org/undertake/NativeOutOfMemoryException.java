package org.undertake;

/** UT_E_NO_MEMORY: the library ran out of memory; the case is unchanged. */
public class NativeOutOfMemoryException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public NativeOutOfMemoryException(String message) {
    super(Status.NO_MEMORY, message);
  }
}
