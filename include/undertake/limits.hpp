// undertake — the limits on what the engine reads and accepts.
//
// One set, shared by every way in: the C++ API, the C API, the CLI and the stores. What is accepted
// within these limits can always be written and read back by the store (design.md §9: "what the
// engine accepts, it can always store, load and restore"), so a value the engine takes in must be
// checked against the limits of the envelope it will be stored in, not only of the text it came in.
//
// The engine checks them before it accepts anything (Engine::create_case, Case::fire): a payload
// or requirement form nested deeper than its budget (max_json_depth less the levels of JSON that
// enclose it where it is stored), a case whose snapshot would grow past max_json_bytes, or an id
// that breaks the identifier rules below is refused with a message naming the limit.
#pragma once

#include "undertake/config.hpp"
#include <cstddef>
#include <string>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE

struct UNDERTAKE_API InputLimits {
  /// One JSON text read: a payload, a requirement form, a snapshot, a ledger row, a policy file.
  /// A case whose snapshot (its whole ledger included) would be larger is refused the event.
  std::size_t max_json_bytes = std::size_t{64} << 20;
  /// Nesting of arrays and objects in one JSON text.
  unsigned max_json_depth = 64;
  /// A case id, an event name, an actor id or role, a rule or KPI name.
  std::size_t max_id_bytes = 4096;

  /// The levels of JSON around a payload where it is stored, at the deepest: a snapshot → record
  /// → service → complaints → the complaint built from the payload (kickoff tasks sit as deep;
  /// a ledger in a snapshot, or an array of case ledgers, encloses its payloads in 3 or 4).
  static constexpr unsigned kPayloadEnvelopeDepth = 4;
  /// The same for the requirement form: a snapshot → record → data (also: case ledgers → data).
  static constexpr unsigned kFormEnvelopeDepth = 2;
  /// The most max_json_depth may be raised to: every recursion over JSON in the project is bounded
  /// by the limit, and 1,000 levels fit the stack of a small host thread.
  static constexpr unsigned kMaxJsonDepthCeiling = 1000;
  /// The least max_json_depth may be lowered to: the engine's own structure nests 5 levels in a
  /// snapshot (snapshot → ledger → entry → actor → roles) and 6 in an array of case ledgers, and a
  /// payload keeps a few levels of its own.
  static constexpr unsigned kMinJsonDepth = 8;

  /// How deep an event's payload may nest (an object of scalars is 1).
  unsigned max_payload_depth() const noexcept { return max_json_depth - kPayloadEnvelopeDepth; }
  /// How deep a requirement form may nest.
  unsigned max_form_depth() const noexcept { return max_json_depth - kFormEnvelopeDepth; }
};

/// Why `limits` cannot be used (a depth outside kMinJsonDepth..kMaxJsonDepthCeiling, a byte or id
/// limit of 0), or an empty string.
UNDERTAKE_API std::string limits_problem(const InputLimits& limits);

/// Strict UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
UNDERTAKE_API bool valid_utf8(std::string_view text) noexcept;

/// The identifier rules, for case ids, actor ids and roles, event, rule and KPI names: not empty,
/// at most max_id_bytes, valid UTF-8, and no control character (U+0000–U+001F, U+007F–U+009F:
/// an id is printed in terminals, logs and file names, where a newline or an escape sequence
/// could forge or hide output). Returns why `text` breaks them ("not valid UTF-8", ...; callers
/// say "<what>: <problem>"), or an empty string. `text` may be cut at max_id_bytes + 1 bytes.
UNDERTAKE_API std::string identifier_problem(std::string_view text, const InputLimits& limits);

UNDERTAKE_END_NAMESPACE
