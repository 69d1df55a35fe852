package org.undertake;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 8 threads on one engine: its custom rule and listener called from all of them at once. */
class ThreadsTest {
  static final int THREADS = 8;
  static final int ORDERS_PER_THREAD = 5;
  @TempDir Path dir;

  @Test
  void eightThreadsOnOneEngine() throws Exception {
    AtomicInteger ruleCalls = new AtomicInteger();
    Map<String, AtomicInteger> heard = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Engine engine = Engine.open();
         Store store = Store.open("sqlite:" + dir.resolve("threads.db") + "?synchronous=off")) {
      engine.registerRule("credit_check", request -> {
        ruleCalls.incrementAndGet();
        return Verdict.of(request.fact("data.customer.name") != null, "no customer");
      });
      engine.patchPolicy(CallbacksTest.CREDIT_GATE);
      engine.setListener(
          (caseId, event, outcome)
              -> heard.computeIfAbsent(caseId, k -> new AtomicInteger()).incrementAndGet());
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int o = 0; o < ORDERS_PER_THREAD; o++) {
            try (Case c = engine.createCase("T" + thread + "-" + o, Support.data())) {
              Support.run(c, Support.steps().size());
              assertEquals(List.of("Closed"), c.state());
            }
          }
          // and one order each through the shared store
          String id = "S" + thread;
          try (Case c = engine.createCase(id, Support.data())) {
            store.create(c);
          }
          for (Support.Step s : Support.steps()) {
            store.fire(engine, id, s.event(), s.actor(), s.payload(), s.at(), null).orThrow();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) f.get();
      int steps = Support.steps().size();
      assertEquals(THREADS * (ORDERS_PER_THREAD + 1), heard.size());
      heard.forEach((id, n) -> assertEquals(steps, n.get(), id));
      assertEquals(
          THREADS * (ORDERS_PER_THREAD + 1), ruleCalls.get(), "one intake.confirm per order");
      assertEquals(THREADS, store.list(Map.of("open", false)).size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** One case handed between threads: its calls are serialised, its revision stays exact. */
  @Test
  void oneCaseSharedByThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (Engine engine = Engine.open(); Case c = engine.createCase("SHARED-1", Support.data())) {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        done.add(pool.submit(() -> {
          int accepted = 0;
          for (int i = 0; i < 200; i++) {
            if (c.fire(
                     "intake.forward", Support.MARKET, null, Instant.parse("2026-03-02T09:00:00Z"))
                    .accepted())
              accepted++;
            c.state();
            c.snapshot();
          }
          return accepted;
        }));
      }
      int accepted = 0;
      for (Future<Integer> f : done) accepted += f.get();
      assertEquals(1, accepted, "intake.forward is accepted once, then refused by state");
      assertEquals(1, c.revision());
    } finally {
      pool.shutdownNow();
    }
  }
}
