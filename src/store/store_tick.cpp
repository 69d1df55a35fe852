// tick_stored: the scheduler's side of deadlines (deadlines.hpp) over a store, and the tick of a
// store that has no way of its own to share the due cases between tickers (CaseStore::tick): each
// case whose attention time has come is loaded, ticked, and saved with its revision checked; the
// listener hears of an escalation only once it is stored.
#include <boost/json.hpp>

#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/store.hpp"

UNDERTAKE_BEGIN_NAMESPACE

StoreTickReport tick_stored(CaseStore& store, const Engine& engine, Timestamp now) {
  return store.tick(engine, now);
}

StoreTickReport CaseStore::tick(const Engine& engine, Timestamp now) {
  CaseStore& store = *this;
  StoreTickReport report;
  report.now = now;
  CaseFilter filter;
  filter.open_only = true;
  filter.attention_by = now;
  for (const auto& summary : store.list(filter)) {
    ++report.cases_checked;
    for (int attempt = 0;; ++attempt) {
      try {
        Case c = load_case(store, engine, summary.case_id);
        const std::uint64_t loaded = c.revision();
        TickResult result = c.tick_unannounced(now);
        if (result.escalated) store.save(c, loaded);
        c.announce(result);
        report.escalated += result.escalated;
        if (!result.items.empty()) report.cases.push_back(std::move(result));
        break;
      } catch (const Error& e) {
        // A conflict: someone fired an event in between; tick the fresh case once more.
        if (e.kind() == ErrorKind::conflict && attempt == 0) continue;
        report.failures.emplace_back(summary.case_id, e.what());
        break;
      }
    }
  }
  return report;
}

UNDERTAKE_END_NAMESPACE
