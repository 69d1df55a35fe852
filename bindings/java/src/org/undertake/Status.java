package org.undertake;

/** The C API's status codes, and the checks that turn them into exceptions. */
final class Status {
  private Status() {}

  static final int OK = 0;
  static final int REFUSED = 1;
  static final int INVALID_ARGUMENT = -1;
  static final int INVALID_JSON = -2;
  static final int POLICY = -3;
  static final int SNAPSHOT = -4;
  static final int NOT_FOUND = -5;
  static final int CONFLICT = -6;
  static final int LIMIT = -7;
  static final int RULE = -8;
  static final int IO = -9;
  static final int NO_MEMORY = -10;
  static final int CLOSED = -11;
  static final int INTERNAL = -12;

  static String name(int status) {
    return Text.borrowed(Native.ut_status_name(status));
  }

  /** Throws the exception of a negative status (with ut_last_error), returns the others. */
  static int check(int status) {
    if (status < 0) {
      // read before anything else calls into the library on this thread
      String message = Text.borrowed(Native.ut_last_error());
      String kind = Text.borrowed(Native.ut_last_error_kind());
      String where = Text.borrowed(Native.ut_last_error_where());
      throw UndertakeException.of(status, message).located(kind, where);
    }
    return status;
  }
}
