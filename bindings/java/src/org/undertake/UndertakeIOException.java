package org.undertake;

/** UT_E_IO: the file system or the store's database failed, is locked, read-only or newer. */
public class UndertakeIOException extends UndertakeException {
  private static final long serialVersionUID = 1L;

  public UndertakeIOException(String message) {
    super(Status.IO, message);
  }
}
