// undertake — the limits on what the engine reads and accepts.
//
// One set, shared by every way in: the C++ API, the C API, the CLI and the stores. What is accepted
// within these limits can always be written and read back by the store (design.md §9: "what the
// engine accepts, it can always store, load and restore"), so a value the engine takes in must be
// checked against the limits of the envelope it will be stored in, not only of the text it came in.
#pragma once

#include <cstddef>

namespace undertake {

struct InputLimits {
  /// One JSON text read: a payload, a requirement form, a snapshot, a ledger row, a policy file.
  std::size_t max_json_bytes = std::size_t{64} << 20;
  /// Nesting of arrays and objects in one JSON text.
  unsigned max_json_depth = 64;
  /// A case id, an event name, an actor id or role, a rule or KPI name.
  std::size_t max_id_bytes = 4096;
};

}  // namespace undertake
