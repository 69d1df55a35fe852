import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.undertake.Actor;
import org.undertake.Case;
import org.undertake.Engine;
import org.undertake.Json;
import org.undertake.Outcome;

/**
 * The order lifecycle of compare_reference through undertake's Java binding (bindings/java).
 *
 * <pre>
 *   java -cp undertake.jar java/Lifecycle.java OUT SECONDS REPETITIONS  ->  {"events_per_s": [...]}
 * </pre>
 *
 * events_per_s is per second of the process's CPU time (every thread of the JVM: JIT and GC count
 * too, as the other runners count their whole process); events_per_wall_s per wall-clock second.
 *
 * First checks that every event of OUT/lifecycle.json is accepted with the same state as the C++
 * API, then times full lifecycles (create the case from the requirement form, fire the 36 events
 * with the actor as a record, the payload as a Map and the time as an Instant, read each outcome's
 * accepted flag, close the case), as bench_lifecycle does, after a warm-up for the JIT. Run by
 * bench/compare/run once bindings/java has landed.
 */
public final class Lifecycle {
  record Step(String event, Actor actor, Object payload, Instant at, boolean accepted,
      List<String> state) {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    double seconds = Double.parseDouble(args[1]);
    int reps = Integer.parseInt(args[2]);
    Map<String, Object> ref = Json.readObject(Files.readString(out.resolve("lifecycle.json")));
    String formText = Json.write(ref.get("form"));
    List<Step> steps = new ArrayList<>();
    for (Object o : (List<Object>) ref.get("steps")) {
      Map<String, Object> s = (Map<String, Object>) o;
      steps.add(
          new Step((String) s.get("event"), Actor.fromMap((Map<String, Object>) s.get("actor")),
              s.get("payload"), Instant.parse((String) s.get("at")),
              Boolean.TRUE.equals(s.get("accepted")), (List<String>) s.get("state")));
    }
    var cpu =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Engine engine = Engine.open()) {
      lifecycle(engine, formText, steps, true);
      for (int i = 0; i < 2000; i++) lifecycle(engine, formText, steps, false); // JIT warm-up
      List<Double> rates = new ArrayList<>();
      List<Double> wallRates = new ArrayList<>();
      for (int r = 0; r < reps; r++) {
        long n = 0;
        long cpuStart = cpu.getProcessCpuTime();
        long wallStart = System.nanoTime();
        double used;
        do {
          for (int i = 0; i < 10; i++) lifecycle(engine, formText, steps, false);
          n += 10;
          used = (cpu.getProcessCpuTime() - cpuStart) / 1e9;
        } while (used < seconds);
        rates.add(n * steps.size() / used);
        wallRates.add(n * steps.size() / ((System.nanoTime() - wallStart) / 1e9));
      }
      System.out.println(Json.write(Map.of("events_per_lifecycle", steps.size(), "events_per_s",
          rates, "events_per_wall_s", wallRates)));
    }
  }

  static void lifecycle(Engine engine, String form, List<Step> steps, boolean check) {
    try (Case c = engine.createCase("B-1", form)) {
      for (int i = 0; i < steps.size(); i++) {
        Step s = steps.get(i);
        Outcome o = c.fire(s.event(), s.actor(), s.payload(), s.at());
        if (o.accepted() != s.accepted() || (check && !o.state().equals(s.state()))) {
          throw new IllegalStateException("step " + (i + 1) + " " + s.event() + ": got " + o.state()
              + ", expected " + s.state());
        }
      }
    }
  }
}
