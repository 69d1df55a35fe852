package org.undertake;

import com.sun.jna.Pointer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** Strings across the boundary: NUL-terminated UTF-8 in, copied-and-freed strings out. */
final class Text {
  private Text() {}

  /**
   * {@code s} as NUL-terminated UTF-8, or null for null. A lone surrogate (no UTF-8 form) and a
   * NUL inside the text (it would cut the string short) are refused here, naming {@code what}.
   */
  static byte[] utf8z(String s, String what) {
    if (s == null)
      return null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == 0) {
        throw new InvalidArgumentException(what + ": a NUL character at index " + i);
      }
      if (Character.isSurrogate(ch)) {
        boolean paired = Character.isHighSurrogate(ch) && i + 1 < s.length()
            && Character.isLowSurrogate(s.charAt(i + 1));
        if (!paired) {
          throw new InvalidArgumentException(
              what + ": a lone surrogate at index " + i + " (not encodable as UTF-8)");
        }
        i++;
      }
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    byte[] z = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, z, 0, bytes.length);
    return z;
  }

  /** A borrowed C string (static storage or valid during a callback) as a Java string. */
  static String borrowed(Pointer p) {
    return p == null ? null : p.getString(0, "UTF-8");
  }

  /** The string the library returned in {@code out[0]}, copied, then released with ut_free. */
  static String take(long[] out) {
    long peer = out[0];
    if (peer == 0)
      return null;
    out[0] = 0;
    Pointer p = new Pointer(peer);
    try {
      return p.getString(0, "UTF-8");
    } finally {
      Native.ut_free(p);
    }
  }

  private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

  /**
   * An instant as the engine's ISO-8601 text (UTC, milliseconds at most: the engine's precision).
   */
  static String iso(Instant at) {
    if (at == null)
      throw new InvalidArgumentException("time: null (the host says when)");
    return ISO.format(at.truncatedTo(ChronoUnit.MILLIS));
  }

  static byte[] isoz(Instant at, String what) {
    if (at == null)
      throw new InvalidArgumentException(what + ": null (the host says when)");
    return utf8z(iso(at), what);
  }
}
