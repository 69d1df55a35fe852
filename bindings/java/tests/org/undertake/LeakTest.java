package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.jna.Library;
import com.sun.jna.Structure;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * No native memory leaks over 100,000 calls: every string the library returns is freed (glibc's
 * mallinfo2, the bytes malloc has handed out and not got back, before and after).
 */
class LeakTest {
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks",
      "uordblks", "fordblks", "keepcost"})
  public static class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks,
        keepcost;
  }

  interface LibC extends Library {
    LibC C = com.sun.jna.Native.load("c", LibC.class);

    MallInfo2 mallinfo2();
  }

  static long inUse() {
    MallInfo2 m = LibC.C.mallinfo2();
    return m.uordblks + m.hblkhd;
  }

  static final Instant AT = Instant.parse("2026-03-02T09:00:00Z");

  /** Four calls that each return a string the binding must free, and one that fails. */
  static void calls(Engine engine, Case c, int rounds) {
    for (int i = 0; i < rounds; i++) {
      assertFalse(c.fire("contract.sign", Support.SALES, null, AT).accepted()); // outcome
      c.state(); // state JSON
      c.available(Support.MARKET); // events JSON
      c.id(); // id
      assertThrows(
          InvalidJsonException.class, () -> c.fire("intake.forward", Support.MARKET, "[", AT));
    }
  }

  @Test
  void noNativeLeakOver100000Calls() throws InterruptedException {
    try (Engine engine = Engine.open(); Case c = engine.createCase("LEAK-1", Support.data())) {
      calls(engine, c, 5_000); // warm up: JIT, JNA's caches, the allocator's arenas
      System.gc();
      Thread.sleep(100);
      long before = inUse();
      calls(engine, c, 20_000); // 100,000 calls
      System.gc();
      Thread.sleep(100);
      long grown = inUse() - before;
      // The JVM's own use of malloc moves by a few MB either way; the strings these calls return
      // add up to about 29 MB when they are not freed.
      assertTrue(grown < 4_000_000, "native memory grew by " + grown + " bytes over 100,000 calls");
      System.out.println("native memory growth over 100,000 calls: " + grown + " bytes");
    }
  }
}
