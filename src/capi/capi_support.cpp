// The C API's plumbing: statuses and the last error, input validation, JSON with limits, output
// strings, and the re-entrant call guard.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "capi/capi_internal.hpp"
#include "undertake/json_text.hpp"
#include "undertake/timestamp.hpp"

namespace json = boost::json;

namespace undertake::capi {
namespace {

// The last error of this thread. `fixed` points at static text when no string could be stored.
struct LastError {
  std::string text;
  const char* fixed = "";
  int status = UT_OK;
  const char* kind = "";  // static text (ut_last_error_kind)
  std::string where;
};
thread_local LastError tl_error;

// The kind of a status the C API reports itself (engine errors carry their own ErrorKind).
const char* kind_of_status(int status) noexcept {
  switch (status) {
    case UT_OK:
      return "";
    case UT_REFUSED:
      return "refused";
    case UT_E_INVALID_ARGUMENT:
      return "invalid_argument";
    case UT_E_INVALID_JSON:
      return "invalid_json";
    case UT_E_POLICY:
      return "invalid_policy";
    case UT_E_SNAPSHOT:
      return "invalid_snapshot";
    case UT_E_NOT_FOUND:
      return "not_found";
    case UT_E_CONFLICT:
      return "conflict";
    case UT_E_LIMIT:
      return "limit_exceeded";
    case UT_E_RULE:
      return "rule_failed";
    case UT_E_IO:
      return "io";
    case UT_E_NO_MEMORY:
      return "no_memory";
    case UT_E_CLOSED:
      return "closed";
    default:
      return "internal";
  }
}

// Sets the parts of the last error; never throws.
void set_parts(int status, const char* kind, std::string_view where) noexcept {
  tl_error.status = status;
  tl_error.kind = kind;
  try {
    tl_error.where.assign(where.data(), where.size());
  } catch (...) {
    tl_error.where.clear();
  }
}

// What a C API message names first: "payload: larger than ..." → "payload".
std::string_view leading_place(std::string_view message) noexcept {
  const std::size_t colon = message.find(": ");
  return colon == std::string_view::npos ? std::string_view() : message.substr(0, colon);
}

// The engines whose gate this thread holds (calls nest when a callback calls back in).
thread_local std::vector<const EngineState*> tl_held;

}  // namespace

void fail(int status, std::string message) {
  throw Failure{status, std::move(message)};
}

int status_of(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::invalid_argument:
      return UT_E_INVALID_ARGUMENT;
    case ErrorKind::invalid_json:
      return UT_E_INVALID_JSON;
    case ErrorKind::invalid_policy:
    case ErrorKind::invalid_rule:
      return UT_E_POLICY;
    case ErrorKind::rule_failed:
      return UT_E_RULE;
    case ErrorKind::limit_exceeded:
      return UT_E_LIMIT;
    case ErrorKind::invalid_snapshot:
      return UT_E_SNAPSHOT;
    case ErrorKind::conflict:
      return UT_E_CONFLICT;
    case ErrorKind::not_found:
      return UT_E_NOT_FOUND;
    case ErrorKind::io:
      return UT_E_IO;
  }
  return UT_E_INTERNAL;
}

void clear_error() noexcept {
  tl_error.text.clear();  // keeps the capacity: no allocation on the hot path
  tl_error.fixed = "";
  tl_error.status = UT_OK;
  tl_error.kind = "";
  tl_error.where.clear();
}

void note_status(int status) noexcept {
  if (tl_error.status == UT_OK) set_parts(status, kind_of_status(status), {});
}

int report_refused(const Outcome& outcome) noexcept {
  try {
    set_error(outcome.summary());
  } catch (...) {
    tl_error.fixed = "the event was refused (out of memory while describing why)";
  }
  set_parts(UT_REFUSED, "refused", outcome.event);
  return UT_REFUSED;
}

void set_error(std::string_view message) noexcept {
  try {
    tl_error.text.assign(message.data(), message.size());
    tl_error.fixed = nullptr;
  } catch (...) {
    tl_error.fixed = "out of memory (while reporting an error)";
  }
}

int report(int status, std::string_view message) noexcept {
  set_error(message);
  set_parts(status, kind_of_status(status), leading_place(message));
  return status;
}

int report_current_exception() noexcept {
  try {
    throw;
  } catch (const Failure& f) {
    return report(f.status, f.message);
  } catch (const Error& e) {
    const int status = report(status_of(e.kind()), e.what());
    set_parts(status, error_kind_name(e.kind()), e.where());
    return status;
  } catch (const std::bad_alloc&) {
    tl_error.fixed = "out of memory";
    set_parts(UT_E_NO_MEMORY, "no_memory", {});
    return UT_E_NO_MEMORY;
  } catch (const std::exception& e) {
    return report(UT_E_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return report(UT_E_INTERNAL, "internal error: an unknown exception");
  }
}

std::string_view text_arg(const char* text, const char* what, const InputLimits& limits) {
  if (!text) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL where a string is required");
  // Read no further than the limit allows: a host may pass a string of any length.
  const std::string_view view(text, ::strnlen(text, limits.max_id_bytes + 1));
  if (std::string problem = identifier_problem(view, limits); !problem.empty())
    fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": " + problem);
  return view;
}

json::value parse_json(const char* text, const InputLimits& limits, const char* what) {
  if (!text) fail(UT_E_INVALID_ARGUMENT, std::string(what) + ": NULL where JSON text is required");
  // Never scan past the limit: a 100 MB string is refused after max_json_bytes + 1 bytes.
  const std::size_t n = ::strnlen(text, limits.max_json_bytes + 1);
  try {
    return undertake::parse_json(std::string_view(text, n), limits, what);
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::limit_exceeded) throw;
    fail(UT_E_LIMIT, std::string(e.what()) + " (ut_engine_set_limits)");  // how a C host sets them
  }
}

json::object parse_object(const char* text, const InputLimits& limits, const char* what,
                          bool optional) {
  if (optional && (!text || !*text)) return {};
  json::value v = parse_json(text, limits, what);
  if (!v.is_object()) fail(UT_E_INVALID_JSON, std::string(what) + ": expected a JSON object");
  return std::move(v.get_object());
}

Timestamp time_arg(const char* text, const char* what) {
  const std::string_view view = text_arg(text, what);
  const auto t = parse_iso8601(view);
  if (!t)
    fail(UT_E_INVALID_ARGUMENT,
         std::string(what) + ": \"" + std::string(view) +
             "\" is not an ISO-8601 date or date-time (2026-03-02 or 2026-03-02T09:00:00Z)");
  return *t;
}

Actor actor_arg(const char* text, const InputLimits& limits) {
  return actor_from_json(parse_json(text, limits, "actor"), "actor");
}

char* dup_string(std::string_view text) {
  auto* p = static_cast<char*>(std::malloc(text.size() + 1));
  if (!p) throw std::bad_alloc();
  if (!text.empty()) std::memcpy(p, text.data(), text.size());
  p[text.size()] = '\0';
  return p;
}

char* dup_json(const json::value& value) {
  json::serializer sr;
  sr.reset(&value);
  std::size_t capacity = 512, size = 0;
  auto* buffer = static_cast<char*>(std::malloc(capacity));
  if (!buffer) throw std::bad_alloc();
  while (!sr.done()) {
    if (capacity - size < 64) {
      auto* bigger = static_cast<char*>(std::realloc(buffer, capacity * 2));
      if (!bigger) {
        std::free(buffer);
        throw std::bad_alloc();
      }
      buffer = bigger;
      capacity *= 2;
    }
    size += sr.read(buffer + size, capacity - size - 1).size();
  }
  buffer[size] = '\0';
  return buffer;
}

EngineState& engine_arg(ut_engine* e) {
  if (!e) fail(UT_E_INVALID_ARGUMENT, "engine: NULL");
  if (e->magic != kEngineMagic)
    fail(UT_E_INVALID_ARGUMENT, "engine: not a live ut_engine handle (closed, or of another kind)");
  return *e->state;
}

ut_case& case_arg(ut_case* c) {
  if (!c) fail(UT_E_INVALID_ARGUMENT, "case: NULL");
  if (c->magic != kCaseMagic)
    fail(UT_E_INVALID_ARGUMENT, "case: not a live ut_case handle (freed, or of another kind)");
  return *c;
}

json::value outcome_json(const Case& c, const Outcome& outcome, json::storage_ptr sp) {
  json::value v = outcome.to_json(std::move(sp));
  json::object& o = v.get_object();
  o["case_id"] = c.id();
  o["revision"] = c.revision();
  return v;
}

char* dup_outcome_json(const Case& c, const Outcome& outcome) {
  // The tree lives only until it is written out: built in a bump allocator (on the stack for a
  // usual outcome) instead of a malloc per string, array and object, which was most of its cost.
  unsigned char buffer[8 * 1024];  // modest: hosts may run us on small thread stacks
  json::monotonic_resource scratch(buffer, sizeof buffer);
  return dup_json(outcome_json(c, outcome, &scratch));
}

CallGuard::CallGuard(EngineState& state) : state_(state) {
  if (!held(state)) {
    state.gate.lock_shared();
    locked_ = true;
  }
  if (state.closed.load()) {
    if (locked_) state.gate.unlock_shared();
    locked_ = false;
    fail(UT_E_CLOSED, "the case's engine was closed (ut_engine_close): the case is read-only");
  }
  try {
    tl_held.push_back(&state);
  } catch (...) {
    if (locked_) state.gate.unlock_shared();
    throw;
  }
}

CallGuard::~CallGuard() {
  // Pop this guard's entry (the last one for this state: guards nest).
  for (auto it = tl_held.rbegin(); it != tl_held.rend(); ++it) {
    if (*it == &state_) {
      tl_held.erase(std::next(it).base());
      break;
    }
  }
  if (locked_) state_.gate.unlock_shared();
}

bool CallGuard::held(const EngineState& state) noexcept {
  return std::find(tl_held.begin(), tl_held.end(), &state) != tl_held.end();
}

}  // namespace undertake::capi

using namespace undertake::capi;

extern "C" {

const char* ut_status_name(int status) {
  switch (status) {
    case UT_OK:
      return "UT_OK";
    case UT_REFUSED:
      return "UT_REFUSED";
    case UT_E_INVALID_ARGUMENT:
      return "UT_E_INVALID_ARGUMENT";
    case UT_E_INVALID_JSON:
      return "UT_E_INVALID_JSON";
    case UT_E_POLICY:
      return "UT_E_POLICY";
    case UT_E_SNAPSHOT:
      return "UT_E_SNAPSHOT";
    case UT_E_NOT_FOUND:
      return "UT_E_NOT_FOUND";
    case UT_E_CONFLICT:
      return "UT_E_CONFLICT";
    case UT_E_LIMIT:
      return "UT_E_LIMIT";
    case UT_E_RULE:
      return "UT_E_RULE";
    case UT_E_IO:
      return "UT_E_IO";
    case UT_E_NO_MEMORY:
      return "UT_E_NO_MEMORY";
    case UT_E_CLOSED:
      return "UT_E_CLOSED";
    case UT_E_INTERNAL:
      return "UT_E_INTERNAL";
    default:
      return "UT_UNKNOWN";
  }
}

const char* ut_last_error(void) {
  return tl_error.fixed ? tl_error.fixed : tl_error.text.c_str();
}

int ut_last_error_status(void) {
  return tl_error.status;
}

const char* ut_last_error_kind(void) {
  return tl_error.kind;
}

const char* ut_last_error_where(void) {
  return tl_error.where.c_str();
}

const char* ut_version(void) {
  return UT_VERSION_STRING;
}

void ut_free(void* p) {
  std::free(p);
}

int ut_engine_set_limits(ut_engine* e, size_t max_json_bytes, unsigned max_json_depth) {
  return guarded([&] {
    EngineState& s = engine_arg(e);
    undertake::InputLimits limits = s.engine.limits();
    if (max_json_bytes) limits.max_json_bytes = max_json_bytes;
    if (max_json_depth) limits.max_json_depth = max_json_depth;
    if (std::string problem = undertake::limits_problem(limits); !problem.empty())
      fail(UT_E_INVALID_ARGUMENT, problem);
    s.engine.set_limits(limits);
    return UT_OK;
  });
}

}  // extern "C"
