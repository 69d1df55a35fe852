// The C API's inside: the handle structs, the engine's shared state, and the helpers every entry
// point uses (status mapping, last error, UTF-8 and JSON checks with limits, output strings).
#pragma once

#include <boost/json.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/kpi.hpp"
#include "undertake/limits.hpp"
#include "undertake/store.hpp"
#include "undertake/undertake.h"

namespace undertake::capi {

// ---------------------------------------------------------------------------------------------
// Errors

/// An error the C layer itself raises, with the status to return.
struct Failure {
  int status;
  std::string message;
};

[[noreturn]] void fail(int status, std::string message);

int status_of(ErrorKind kind) noexcept;

/// Clears this thread's last error (called on entry to every function).
void clear_error() noexcept;
/// Sets this thread's last error; never throws (falls back to a fixed text when out of memory).
void set_error(std::string_view message) noexcept;
/// Sets the last error and returns `status`; its kind follows from the status, its place is what
/// the message names before its first ": " (the C API's messages start with the argument).
int report(int status, std::string_view message) noexcept;
int report_current_exception() noexcept;
/// The last error of a refused event: UT_REFUSED, kind "refused", at the event, the summary.
int report_refused(const Outcome& outcome) noexcept;
/// Records `status` as the last call's when nothing was reported for it (a status returned
/// without a message of its own).
void note_status(int status) noexcept;

/// Runs `body` (which returns a status) with every exception turned into a status and message.
template <class Body>
int guarded(Body&& body) noexcept {
  clear_error();
  try {
    const int status = body();
    if (status != UT_OK) note_status(status);
    return status;
  } catch (...) {
    return report_current_exception();
  }
}

// ---------------------------------------------------------------------------------------------
// Input checks

/// A NUL-terminated identifier-like string (case id, event, name, time): not NULL, and the
/// identifier rules of limits.hpp (not empty, at most max_id_bytes, valid UTF-8, no control
/// character). `what` names it in the error (UT_E_INVALID_ARGUMENT).
std::string_view text_arg(const char* text, const char* what,
                          const InputLimits& limits = InputLimits{});

/// Parses JSON text with the engine's limits (limits.hpp): UT_E_INVALID_ARGUMENT for NULL,
/// UT_E_LIMIT for too large or too deep, UT_E_INVALID_JSON for text that is not JSON or not UTF-8.
/// `what` names it in errors.
boost::json::value parse_json(const char* text, const InputLimits& limits, const char* what);
/// As parse_json, and the value must be an object (NULL or "" give {} when `optional`).
boost::json::object parse_object(const char* text, const InputLimits& limits, const char* what,
                                 bool optional = false);

Timestamp time_arg(const char* text, const char* what);
Actor actor_arg(const char* text, const InputLimits& limits);

// ---------------------------------------------------------------------------------------------
// Output

/// A malloc'ed copy (freed by ut_free); throws std::bad_alloc.
char* dup_string(std::string_view text);
char* dup_json(const boost::json::value& value);
/// Sets *out to NULL when out is not NULL (outputs hold nothing to free on errors).
template <class T>
void reset_out(T** out) noexcept {
  if (out) *out = nullptr;
}

// ---------------------------------------------------------------------------------------------
// Handles

inline constexpr std::uint32_t kEngineMagic = 0x55544547;  // "UTEG"
inline constexpr std::uint32_t kCaseMagic = 0x55544353;    // "UTCS"
inline constexpr std::uint32_t kStoreMagic = 0x55545354;   // "UTST"
inline constexpr std::uint32_t kDeadMagic = 0xDEADDEAD;

struct Listener {
  ut_listener_fn fn = nullptr;
  void* user_data = nullptr;
};

/// A policy path argument: not NULL, not empty (UT_E_INVALID_ARGUMENT).
std::string path_arg(const char* path);
/// The source of a policy given as one JSON document, read with `limits`.
PolicySource document_source(const char* policy_json, const InputLimits& limits);
/// Hands `engine` to a new handle in *out (UT_E_INVALID_ARGUMENT for a NULL out).
int open_engine(Engine engine, ut_engine** out);

/// What an engine handle and every case it opened share. Lives until the engine is closed and
/// the last of its cases is freed.
struct EngineState {
  explicit EngineState(Engine engine);
  ~EngineState();

  Engine engine;
  /// Shared by calls that may run callbacks (fire, restore, kpi); exclusive for close and for
  /// replacing the listener, so that no callback runs once those return.
  std::shared_mutex gate;
  std::atomic<bool> closed{false};

  /// One read-modify-write of the limits at a time: the C API sets them one by one
  /// (ut_engine_limit, ut_engine_set_rule_limits), the engine as a whole.
  std::mutex limits_mutex;

  std::shared_ptr<const Listener> listener;  ///< read and written with std::atomic_load/store

  /// What the C API reads with: the engine's own limits (Engine::set_limits).
  InputLimits limits() const noexcept { return engine.limits(); }
};

/// Holds an engine's gate shared for the duration of a call (re-entrant on one thread: a callback
/// may call back into the library on the same engine). Throws UT_E_CLOSED when the engine is
/// closed.
class CallGuard {
 public:
  explicit CallGuard(EngineState& state);
  ~CallGuard();
  CallGuard(const CallGuard&) = delete;
  CallGuard& operator=(const CallGuard&) = delete;

  /// True when this thread is inside a call (a callback) of `state`.
  static bool held(const EngineState& state) noexcept;

 private:
  EngineState& state_;
  bool locked_ = false;
};

/// Reads a KPI period `{"from", "to", "skip_bad_cases"?}` (dates, both inclusive), as
/// ut_engine_kpi and ut_store_kpi take it.
struct KpiRequest {
  Period period;
  KpiOptions options;
};
KpiRequest kpi_request_arg(const char* period_json, const InputLimits& limits);
/// The KPI report of the current policy's catalogue (kpi.json with the host's calculators) over
/// `cases`. Call it with the engine's CallGuard held: host calculators may run.
boost::json::value kpi_report(EngineState& s, const std::vector<CaseLedger>& cases,
                              const KpiRequest& request);
/// The case ledgers of a report's `ledgers_json` (ut_engine_kpi, ut_engine_kpi_people,
/// ut_engine_quality): ledgers and snapshots, as an array or {"cases": [...]}.
std::vector<CaseLedger> ledgers_arg(const char* ledgers_json, const InputLimits& limits);

}  // namespace undertake::capi

struct ut_engine {
  std::uint32_t magic = undertake::capi::kEngineMagic;
  std::shared_ptr<undertake::capi::EngineState> state;
};

struct ut_case {
  ut_case(std::shared_ptr<undertake::capi::EngineState> s, undertake::Case c)
      : state(std::move(s)), kase(std::move(c)) {}
  std::uint32_t magic = undertake::capi::kCaseMagic;
  std::shared_ptr<undertake::capi::EngineState> state;
  undertake::Case kase;
  /// `kase` as registered open on the engine (Engine::open_case), for ut_engine_find_case: a
  /// shared_ptr that owns nothing, whose deleter names this handle. Null when not open (a case
  /// ut_store_load loaded).
  std::shared_ptr<undertake::Case> open;
};

struct ut_store {
  std::uint32_t magic = undertake::capi::kStoreMagic;
  std::unique_ptr<undertake::CaseStore> store;
};

struct ut_verdict {
  undertake::RuleVerdict* verdict;
};

namespace undertake::capi {

/// The engine of a handle, or UT_E_INVALID_ARGUMENT.
EngineState& engine_arg(ut_engine* e);

/// The body of every report over ledgers (ut_engine_kpi, _kpi_people, _quality): checks the
/// engine and the out pointer, reads the period and the ledgers with the engine's limits, and
/// gives `report(state, cases, request)` as JSON in *report_json.
template <class Report>
int report_call(ut_engine* e, const char* ledgers_json, const char* period_json, char** report_json,
                Report report) {
  reset_out(report_json);
  return guarded([&] {
    EngineState& s = engine_arg(e);
    if (!report_json) fail(UT_E_INVALID_ARGUMENT, "report_json: NULL");
    const InputLimits limits = s.limits();
    const KpiRequest request = kpi_request_arg(period_json, limits);
    const std::vector<CaseLedger> cases = ledgers_arg(ledgers_json, limits);
    *report_json = dup_json(report(s, cases, request));
    return UT_OK;
  });
}
ut_case& case_arg(ut_case* c);
/// The store of a handle, or UT_E_INVALID_ARGUMENT.
CaseStore& store_arg(ut_store* s);

/// The outcome as ut_case_fire returns it (Outcome::to_json + case_id, revision).
boost::json::value outcome_json(const Case& c, const Outcome& outcome,
                                boost::json::storage_ptr sp = {});
/// The same, written out (malloc'd: ut_free / std::free), the tree built in a stack buffer.
char* dup_outcome_json(const Case& c, const Outcome& outcome);

}  // namespace undertake::capi
