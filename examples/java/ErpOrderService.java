import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.undertake.Actor;
import org.undertake.ConflictException;
import org.undertake.Engine;
import org.undertake.InboxItem;
import org.undertake.Json;
import org.undertake.KpiReport;
import org.undertake.Outcome;
import org.undertake.Store;

/**
 * A small ERP service in Java on the engine's built-in SQLite store (bindings/java).
 *
 * <p>An ERP screen has buttons; a click is a request to one of several app servers, which loads
 * the order's case from the database they share, fires the event, saves it and answers: {@link
 * Store#fire} does the three, with the revision checked, and given the request id it answers a
 * retried click with the first outcome instead of firing twice. The "my tasks" screen comes from
 * the store's worklist index ({@link Store#inbox}), not from loading every order.
 *
 * <pre>
 *   java -cp undertake.jar:erp-example.jar ErpOrderService DATABASE SCENARIO
 * </pre>
 *
 * Two app servers share DATABASE; the clicks of SCENARIO (tests/scenarios/full_order.json) drive
 * one order to Closed, with a double click, a refusal and a stale save on the way; then the
 * worklist and the KPI report.
 */
public final class ErpOrderService implements AutoCloseable {
  /** What the browser sends when a user clicks a button. */
  public record ButtonClicked(String requestId, String orderId, String event, Actor user,
      Map<String, Object> form, Instant at) {}

  /** What the screen shows. */
  public record Response(boolean ok, String message) {}

  private final String name;
  private final Engine engine = Engine.open(); // the built-in policy
  private final Store store;

  public ErpOrderService(String name, String storeUri) {
    this.name = name;
    this.store = Store.open(storeUri);
  }

  /** "New order" on the intake screen: the requirement form becomes a stored case. */
  public void register(String orderId, Map<String, Object> requirementForm) {
    try (var order = engine.createCase(orderId, requirementForm)) {
      store.create(order);
    }
  }

  /** The handler of every button: load, fire, save in one call, idempotent per request id. */
  public Response handle(ButtonClicked click) {
    Outcome out = store.fire(engine, click.orderId(), click.event(), click.user(), click.form(),
        click.at(), click.requestId());
    String message = out.accepted() ? click.event() + " -> " + String.join(", ", out.state())
                                    : click.event() + " REFUSED: "
            + out.reasons()
                  .stream()
                  .map(r -> "(" + r.kind() + ") " + r.message())
                  .collect(Collectors.joining("; "));
    if (out.repeated())
      message += " (a retry: answered from the first request)";
    System.out.println(
        "  [" + name + "] " + click.requestId() + " " + click.orderId() + ": " + message);
    return new Response(out.accepted(), message);
  }

  /** The "my tasks" screen: the orders in which the user may do something now. */
  public List<InboxItem> tasks(Actor user) {
    List<InboxItem> items = store.inbox(engine, user).items();
    System.out.println("  [" + name + "] tasks of " + user.id() + " " + user.roles() + ":");
    for (InboxItem item : items) {
      System.out.println("    " + item.caseId() + " [" + item.stage()
          + "]: " + item.events().stream().map(e -> e.event()).collect(Collectors.joining(", ")));
    }
    return items;
  }

  public KpiReport kpis(LocalDate from, LocalDate to) {
    return store.kpi(engine, from, to, false);
  }

  @Override
  public void close() {
    store.close();
    engine.close();
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    String uri = "sqlite:" + args[0] + "?synchronous=normal";
    Files.deleteIfExists(Path.of(args[0]));
    Map<String, Object> scenario =
        (Map<String, Object>) ((List<Object>) Json.readObject(Files.readString(Path.of(args[1])))
                                   .get("cases"))
            .get(0);
    List<Map<String, Object>> steps = (List<Map<String, Object>>) scenario.get("steps");

    try (var east = new ErpOrderService("east", uri); var west = new ErpOrderService("west", uri)) {
      east.register("SO-2026-001", (Map<String, Object>) scenario.get("data"));
      org.undertake.Case yesterdaysScreen = null;
      int n = 0;
      for (Map<String, Object> step : steps) {
        var server = (n % 2 == 0) ? east : west; // the load balancer alternates
        var click = new ButtonClicked("req-" + (++n), "SO-2026-001", (String) step.get("event"),
            Actor.fromMap((Map<String, Object>) step.get("actor")),
            (Map<String, Object>) step.get("payload"), Instant.parse((String) step.get("at")));
        if (!server.handle(click).ok())
          throw new IllegalStateException("refused: " + click);
        if (n == 2)
          west.handle(click); // the user double-clicked: answered once
        if (n == 3) {
          // a user without the role clicks a button they should not have seen
          west.handle(new ButtonClicked("req-x", "SO-2026-001", "contract.approve",
              Actor.of("li", "sales"), null, click.at()));
          east.tasks(Actor.of("zhao", "technical"));
          yesterdaysScreen = west.store.load(west.engine, "SO-2026-001"); // kept open at revision 3
        }
      }
      // the screen kept open since revision 3 saves over the newer revision: refused, nothing
      // written
      try (var stale = yesterdaysScreen) {
        west.store.save(stale, 3);
      } catch (ConflictException e) {
        System.out.println("  stale save refused: " + e.getMessage());
      }
      var report = east.kpis(LocalDate.parse("2026-01-01"), LocalDate.parse("2026-12-31"));
      var revenue = report.kpis().get("sales.revenue");
      System.out.println(
          "  KPI sales.revenue = " + revenue.value() + " (target " + revenue.target() + ")");
      System.out.println("  sales department score " + report.departments().get("sales").score());
      System.out.println("ok");
    }
  }
}
