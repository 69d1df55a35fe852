// `undertake --db URI changes [--after N] [--limit N] [--json] [--follow [--interval MS]]`: the
// store's change feed (design.md §9, the transactional outbox) — every accepted event and
// escalation at its global position, one line per change (one JSON object per line with --json,
// JSON Lines). A consumer keeps the last position it handled and starts after it.
//
// --follow keeps reading: whenever a read finds nothing new it waits --interval milliseconds and
// reads again (on PostgreSQL it wakes as soon as a writer commits: LISTEN/NOTIFY; when the
// database goes away it says so and tries again), until SIGINT or SIGTERM, which end it cleanly
// (status 0, the last position printed on stderr so that a script can resume after it).
//
//   undertake --db orders.db changes --after 120 --limit 50
//   undertake --db orders.db changes --after 120 --follow --json | notify-departments
#include <boost/json.hpp>

#include <algorithm>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>

#include "cli/case_cli.hpp"
#include "cli/commands.hpp"
#include "undertake/store.hpp"

namespace json = boost::json;

namespace undertake::cli {
namespace {

volatile std::sig_atomic_t stop_signal = 0;
constexpr long kMaxWaitMs = 1000;  // the longest a follower waits without looking at the signals

extern "C" void on_stop_signal(int signal) {
  stop_signal = signal;
}

// While it lives, SIGINT and SIGTERM ask the follow loop to stop instead of killing the process;
// installed without SA_RESTART so that a wait in progress ends at once.
class StopOnSignals {
 public:
  StopOnSignals() {
    stop_signal = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;

  bool stopped() const noexcept { return stop_signal != 0; }

  /// Waits `ms` milliseconds, or less when a stop signal arrives.
  void wait(long ms) const {
    timespec left{ms / 1000, (ms % 1000) * 1'000'000L};
    while (!stopped() && nanosleep(&left, &left) == -1 && errno == EINTR) {
    }
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

// `    12  SO-1        #3   2026-03-02 09:00  contract.sign by li (sales)  → Kickoff.Planning`
void print_change(std::ostream& out, const Change& ch) {
  const LedgerEntry& e = ch.entry;
  std::string what;
  if (e.kind == EntryKind::escalation) {
    const json::value* deadline = e.payload.if_contains("deadline");
    what = "escalation of " +
           (deadline && deadline->is_string() ? std::string(deadline->get_string()) : "?");
  } else {
    what =
        std::string(event_name(e.event)) + " by " + e.actor.id + " (" + join(e.actor.roles) + ")";
  }
  out << pad(std::to_string(ch.position), 8) << pad(ch.case_id, 14)
      << pad("#" + std::to_string(e.seq), 6) << short_time(e.at) << "  " << pad(what, 44) << "→ "
      << join(e.state) << "\n";
}

}  // namespace

void add_changes_command(CLI::App& app, Context& ctx) {
  struct Options {
    std::uint64_t after = 0;
    std::size_t limit = 100;
    long interval_ms = 1000;
    bool json = false, follow = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(
      "changes", "The change feed: accepted events and escalations after a position (--db)");
  cmd->add_option("--after", o->after, "Start after this position (default 0: from the start)");
  cmd->add_option("--limit", o->limit, "Changes per read (default 100)")
      ->check(CLI::Range(1, 100'000));
  cmd->add_flag("--json", o->json, "One JSON object per line: {position, case_id, entry}");
  auto* follow =
      cmd->add_flag("--follow,-f", o->follow, "Keep reading new changes until SIGINT or SIGTERM");
  cmd->add_option("--interval", o->interval_ms,
                  "With --follow: milliseconds between reads when nothing is new (default 1000)")
      ->check(CLI::Range(1L, 3'600'000L))
      ->needs(follow);
  cmd->callback([o, &ctx] {
    auto store = open_store(ctx, false);
    auto emit = [&](const std::vector<Change>& page) {
      for (const Change& ch : page) {
        if (o->json)
          std::cout << json::serialize(ch.to_json()) << "\n";
        else
          print_change(std::cout, ch);
      }
      std::cout.flush();  // a consumer at the other end of a pipe sees each change at once
    };
    if (!o->follow) {
      emit(store->changes(o->after, o->limit));
      return;
    }
    const StopOnSignals signals;
    std::uint64_t position = o->after;
    while (!signals.stopped()) {
      try {
        const std::vector<Change> page = store->changes(position, o->limit);
        emit(page);
        if (!page.empty()) position = page.back().position;
        // The PostgreSQL store wakes up at the commit of a change (LISTEN/NOTIFY); the others
        // look again within the interval. Waits of at most a second: a stop signal that came
        // while a read was in flight (not during a wait) is noticed within a second.
        for (long left = o->interval_ms; page.size() < o->limit && left > 0 && !signals.stopped();
             left -= kMaxWaitMs)
          if (store->wait_for_changes(position,
                                      std::chrono::milliseconds(std::min(left, kMaxWaitMs))))
            break;
      } catch (const Error& e) {
        // A database that went away (a restart): say so, then try again; the next call
        // reconnects, and the position is where the last change printed left it.
        if (e.kind() != ErrorKind::io) throw;
        std::cerr << "changes: " << e.what() << " (retrying)\n";
        signals.wait(o->interval_ms);
      }
    }
    std::cerr << "changes: stopped after position " << position << "\n";
  });
}

}  // namespace undertake::cli
