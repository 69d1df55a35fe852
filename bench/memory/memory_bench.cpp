// Heap bytes per live case (issue 7: "≤ 2 KiB per live case before its ledger grows; 1,000,000
// live cases fit in a few GiB").
//
//   bench_memory [--cases N] [--sample N] [--json]
//
//   (a) after engine.create_case(id, regular_order()), over --sample cases (default 10,000);
//   (b) the same cases after the 40 events of main_path() (one hour apart, as bench_lifecycle);
//   (c) --cases live cases just created (default 1,000,000): total heap, bytes per case, peak RSS
//       (VmHWM of /proc/self/status) and the creation rate;
//   and a breakdown of what one case holds, after creation and after the lifecycle.
//
// Two measures of the heap, both as the difference between before and after, divided by the
// number of cases:
//   * glibc's mallinfo2(): uordblks + hblkhd, the bytes of the chunks in use (small ones from the
//     arena, large ones mmapped). This is what the process really pays: every chunk carries an
//     8-byte size header and is rounded up to a multiple of 16 (at least 32 bytes), so a 1-byte
//     request costs 32 bytes.
//   * a counting replacement of the global operator new/delete: the bytes the program asked for
//     (and how many allocations), tracked per block so frees are subtracted exactly. This is the
//     allocator-independent figure, and the one the breakdown is in.
//   The difference between the two is glibc's overhead: 8 bytes per block plus the rounding,
//   i.e. about 8-24 bytes per allocation; with many small blocks (JSON objects, strings) it is
//   large. Everything the library allocates goes through operator new (Boost.JSON's default
//   memory resource does too), so the two measure the same blocks.
#include <malloc.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "case/case_impl.hpp"
#include "process/process_machine.hpp"
#include "support/order_driver.hpp"

namespace json = boost::json;
using namespace undertake;
using namespace undertake::testing;

// ---------------------------------------------------------------------------------------------
// The counting allocator. Single-threaded use (the engine starts no threads of its own).

namespace counting {

std::uint64_t allocations = 0;    // operator new calls
std::uint64_t deallocations = 0;  // operator delete calls (non-null)
std::uint64_t live_bytes = 0;     // requested bytes of the live blocks (only while tracking)

// Block sizes by address, so that an unsized delete can subtract what was asked for: an open
// addressing table with linear probing and backward-shift deletion, in memory of its own (mmap),
// so that it is not part of what mallinfo2 reports. Only on while `tracking` (the 10,000-case
// measurements); the big run counts allocations only.
bool tracking = false;
constexpr unsigned kBits = 24;  // 16 Mi slots, 256 MiB of address space, touched as needed
constexpr std::size_t kSlots = std::size_t{1} << kBits;
struct Slot {
  void* p;
  std::size_t n;
};
Slot* table = nullptr;
std::size_t used = 0;

inline std::size_t home(const void* p) {
  return static_cast<std::size_t>(
      ((reinterpret_cast<std::uintptr_t>(p) >> 4) * 0x9E3779B97F4A7C15ull) >> (64 - kBits));
}

void start_tracking() {
  if (!table) {
    void* m = mmap(nullptr, kSlots * sizeof(Slot), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) std::abort();
    table = static_cast<Slot*>(m);
  }
  tracking = true;
}

void stop_tracking() {
  tracking = false;
  if (table) {
    madvise(table, kSlots * sizeof(Slot), MADV_DONTNEED);  // zero again, and out of the RSS
    used = 0;
  }
  live_bytes = 0;
}

inline void remember(void* p, std::size_t n) {
  if (used * 4 >= kSlots * 3) {  // the table is full
    static const char message[] =
        "bench_memory: too many live blocks to track: use a smaller --sample\n";
    (void)!write(2, message, sizeof message - 1);  // no allocation here: we are inside operator new
    std::abort();
  }
  std::size_t i = home(p);
  while (table[i].p) i = (i + 1) & (kSlots - 1);
  table[i] = {p, n};
  ++used;
  live_bytes += n;
}

inline void forget(void* p) {
  std::size_t i = home(p);
  while (table[i].p != p) {
    if (!table[i].p) return;  // allocated before tracking started
    i = (i + 1) & (kSlots - 1);
  }
  live_bytes -= table[i].n;
  --used;
  // Backward-shift deletion: move later entries of the cluster into the hole when their home
  // slot allows it.
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & (kSlots - 1); table[j].p; j = (j + 1) & (kSlots - 1)) {
    const std::size_t h = home(table[j].p);
    const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
    if (movable) {
      table[hole] = table[j];
      hole = j;
    }
  }
  table[hole] = {nullptr, 0};
}

inline void* allocate(std::size_t n, std::size_t align) {
  void* p = align > alignof(std::max_align_t)
                ? std::aligned_alloc(align, (n + align - 1) / align * align)
                : std::malloc(n ? n : 1);
  if (!p) return nullptr;
  ++allocations;
  if (tracking) remember(p, n);
  return p;
}

inline void release(void* p) {
  if (!p) return;
  ++deallocations;
  if (tracking) forget(p);
  std::free(p);
}

inline std::uint64_t live_blocks() {
  return allocations - deallocations;
}

}  // namespace counting

void* operator new(std::size_t n) {
  if (void* p = counting::allocate(n, 0)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  return operator new(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return counting::allocate(n, 0);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return counting::allocate(n, 0);
}
void* operator new(std::size_t n, std::align_val_t a) {
  if (void* p = counting::allocate(n, static_cast<std::size_t>(a))) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n, std::align_val_t a) {
  return operator new(n, a);
}
void operator delete(void* p) noexcept {
  counting::release(p);
}
void operator delete[](void* p) noexcept {
  counting::release(p);
}
void operator delete(void* p, std::size_t) noexcept {
  counting::release(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  counting::release(p);
}
void operator delete(void* p, std::align_val_t) noexcept {
  counting::release(p);
}
void operator delete[](void* p, std::align_val_t) noexcept {
  counting::release(p);
}
void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  counting::release(p);
}
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  counting::release(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
  counting::release(p);
}
void operator delete[](void* p, const std::nothrow_t&) noexcept {
  counting::release(p);
}

// ---------------------------------------------------------------------------------------------

namespace {

std::uint64_t heap_in_use() {
  const struct mallinfo2 m = mallinfo2();
  return m.uordblks + m.hblkhd;
}

/// A field of /proc/self/status in KiB (VmHWM, VmRSS).
std::uint64_t status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(field);
  while (std::getline(in, line))
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':')
      return std::strtoull(line.c_str() + len + 1, nullptr, 10);
  return 0;
}

double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Heap held between two points, per item.
struct Usage {
  double heap = 0;       // mallinfo2 bytes
  double requested = 0;  // counting allocator: requested bytes (only while tracking)
  double blocks = 0;     // counting allocator: live blocks
};

struct Mark {
  std::uint64_t heap = heap_in_use();
  std::uint64_t requested = counting::live_bytes;
  std::uint64_t blocks = counting::live_blocks();

  Usage per(double n) const {
    const Mark now;
    return {(static_cast<double>(now.heap) - static_cast<double>(heap)) / n,
            (static_cast<double>(now.requested) - static_cast<double>(requested)) / n,
            (static_cast<double>(now.blocks) - static_cast<double>(blocks)) / n};
  }
};

struct PreparedStep {
  std::string event;
  Actor actor;
  json::object payload;
};

std::vector<PreparedStep> prepared_path() {
  std::vector<PreparedStep> steps;
  for (const auto& s : main_path())
    steps.push_back({s.event, s.actor, json::parse(s.payload).as_object()});
  return steps;
}

std::string case_id(std::size_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "B-%07zu", i);  // 9 characters: in std::string's SSO buffer
  return buf;
}

void run_lifecycle(Case& c, const std::vector<PreparedStep>& steps) {
  Timestamp at = *parse_iso8601("2026-03-02T08:00:00Z");
  for (const auto& s : steps) {
    at += std::chrono::hours(1);
    const Outcome o = c.fire(s.event, s.actor, s.payload, at);
    if (!o.accepted) {
      std::fprintf(stderr, "bench_memory: main path refused: %s\n", o.summary().c_str());
      std::exit(1);
    }
  }
}

/// Requested bytes and blocks a value holds: measured on a copy (a copy has no spare capacity, so
/// this is a lower bound of what the original holds).
template <typename F>
Usage held_by(F&& make) {
  const Mark m;
  auto held = make();
  Usage u = m.per(1);
  (void)held;
  return u;
}

// The case's Impl, for the spare capacity of its containers: Case::Impl is a public type but
// Case::impl_ is private; an explicit instantiation may name a private member (the usual way to
// read one from a benchmark without changing the class).
using ImplMember = std::unique_ptr<Case::Impl> Case::*;
ImplMember impl_member();
template <ImplMember M>
struct ImplAccess {
  friend ImplMember impl_member() { return M; }
};
template struct ImplAccess<&Case::impl_>;

const Case::Impl& impl_of(const Case& c) {
  return *(c.*impl_member());
}

/// Bytes a vector allocated and does not use.
template <typename T>
double spare(const std::vector<T>& v) {
  return static_cast<double>((v.capacity() - v.size()) * sizeof(T));
}
/// The block of an empty vector that has kept its buffer (a copy of it allocates none).
template <typename T>
double kept_block(const std::vector<T>& v) {
  return v.empty() && v.capacity() > 0 ? 1 : 0;
}

/// Bytes of the key/value slots a JSON object allocated and does not use.
double spare(const json::object& o) {
  return static_cast<double>((o.capacity() - o.size()) * sizeof(json::key_value_pair));
}

struct Piece {
  std::string what;
  Usage usage;
};

/// What one case holds, piece by piece (counting allocator, requested bytes).
std::vector<Piece> breakdown(const Case& c, double total_requested, double total_blocks) {
  std::vector<Piece> pieces;
  const Case::Impl& impl = impl_of(c);
  pieces.push_back(
      {"Case::Impl (the struct: id, policy pointer, data/record headers, machine "
       "pointer, risks, ledger and deadline vectors, limits)",
       {0, static_cast<double>(sizeof(Case::Impl)), 1}});
  pieces.push_back({"process machine (Boost.MSM state behind its pimpl; a copy of the case's)",
                    held_by([&] { return detail::ProcessMachine(impl.machine); })});
  pieces.push_back({"requirement form `data` (the case's own copy)",
                    held_by([&] { return json::object(impl.data); })});
  const json::object& record = c.record();
  for (const auto& kv : record) {
    pieces.push_back({"record[\"" + std::string(kv.key()) + "\"]",
                      held_by([&] { return json::value(kv.value()); })});
  }
  {
    // The record's own table of keys: an object copy minus its members' copies.
    const Usage whole = held_by([&] { return json::object(record); });
    double members = 0, blocks = 0;
    for (const auto& kv : record) {
      const Usage u = held_by([&] { return json::value(kv.value()); });
      members += u.requested;
      blocks += u.blocks;
    }
    pieces.push_back({"record: the object's own table and its " + std::to_string(record.size()) +
                          " keys (Boost.JSON allocates every key separately)",
                      {0, whole.requested - members, whole.blocks - blocks}});
  }
  pieces.push_back({"ledger (" + std::to_string(c.ledger().size()) + " entries)",
                    held_by([&] { return std::vector<LedgerEntry>(c.ledger()); })});
  pieces.push_back({"ledger vector's spare capacity (" +
                        std::to_string(impl.ledger.capacity() - impl.ledger.size()) + " unused " +
                        std::to_string(sizeof(LedgerEntry)) + "-byte slots)",
                    {0, spare(impl.ledger), kept_block(impl.ledger)}});
  pieces.push_back(
      {"pending-deadline vector's spare capacity (" +
           std::to_string(impl.deadlines.pending.capacity() - impl.deadlines.pending.size()) +
           " unused " + std::to_string(sizeof(PendingDeadline)) + "-byte slots)",
       {0, spare(impl.deadlines.pending), kept_block(impl.deadlines.pending)}});
  pieces.push_back({"record and data objects' spare slots (capacity " +
                        std::to_string(impl.record_object().capacity()) + " and " +
                        std::to_string(impl.data.capacity()) + ")",
                    {0, spare(impl.record_object()) + spare(impl.data), 0}});
  pieces.push_back({"risk register", held_by([&] { return RiskRegister(impl.risks); })});
  pieces.push_back({"pending deadlines (" + std::to_string(c.deadlines().size()) + ")",
                    held_by([&] { return std::vector<PendingDeadline>(impl.deadlines.pending); })});
  double sum = 0, blocks = 0;
  for (const auto& p : pieces) sum += p.usage.requested, blocks += p.usage.blocks;
  pieces.push_back(
      {"the rest (spare capacity inside the nested JSON objects, arrays and "
       "strings, and inside the ledger entries' vectors)",
       {0, total_requested - sum, total_blocks - blocks}});
  return pieces;
}

json::array pieces_json(const std::vector<Piece>& pieces) {
  json::array a;
  for (const auto& p : pieces)
    a.push_back(
        json::object{{"what", p.what}, {"bytes", p.usage.requested}, {"blocks", p.usage.blocks}});
  return a;
}

void print_pieces(const std::vector<Piece>& pieces) {
  for (const auto& p : pieces)
    std::printf("    %8.0f B %6.0f blocks  %s\n", p.usage.requested, p.usage.blocks,
                p.what.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t cases = 1'000'000;
  std::size_t sample = 10'000;
  bool as_json = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      as_json = true;
    } else if (a == "--cases" && i + 1 < argc) {
      cases = std::strtoull(argv[++i], nullptr, 10);
    } else if (a == "--sample" && i + 1 < argc) {
      sample = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: bench_memory [--cases N] [--sample N] [--json]\n");
      return 2;
    }
  }
  if (cases == 0 || sample == 0) {
    std::fprintf(stderr, "bench_memory: --cases and --sample must be at least 1\n");
    return 2;
  }

  const Engine engine;
  const auto steps = prepared_path();
  {
    // Warm up: whatever the engine builds once (caches of the policy, static tables) is built
    // before the first measurement.
    Case c = engine.create_case(case_id(0), regular_order());
    run_lifecycle(c, steps);
    (void)c.snapshot();
  }
  malloc_trim(0);

  // (c) first, so that VmHWM is this run's peak.
  const std::uint64_t rss_before_kib = status_kib("VmRSS");
  std::vector<Case> live;
  live.reserve(cases);  // the vector of handles (8 bytes a case) is not counted
  const Mark big_mark;
  const auto wall0 = std::chrono::steady_clock::now();
  const double cpu0 = cpu_seconds();
  for (std::size_t i = 0; i < cases; ++i)
    live.push_back(engine.create_case(case_id(i), regular_order()));
  const double cpu_s = cpu_seconds() - cpu0;
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  const Usage big = big_mark.per(static_cast<double>(cases));
  const double big_total_gib = big.heap * static_cast<double>(cases) / (1024.0 * 1024 * 1024);
  const std::uint64_t hwm_kib = status_kib("VmHWM");
  const std::uint64_t rss_kib = status_kib("VmRSS");
  live.clear();
  live.shrink_to_fit();
  malloc_trim(0);

  // (a) and (b), with block sizes tracked.
  counting::start_tracking();
  std::vector<Case> sampled;
  sampled.reserve(sample);
  const Mark mark;
  for (std::size_t i = 0; i < sample; ++i)
    sampled.push_back(engine.create_case(case_id(i), regular_order()));
  const Usage created = mark.per(static_cast<double>(sample));
  const auto created_pieces = breakdown(sampled.front(), created.requested, created.blocks);
  for (auto& c : sampled) run_lifecycle(c, steps);
  const Usage lifecycle = mark.per(static_cast<double>(sample));
  const auto lifecycle_pieces = breakdown(sampled.front(), lifecycle.requested, lifecycle.blocks);
  const std::size_t ledger_entries = sampled.front().ledger().size();
  sampled.clear();
  // Should be about 0: dropping the cases frees what they held (what remains is caches the engine
  // keeps for every case, not per case).
  const Usage leftover = mark.per(1);
  sampled.shrink_to_fit();
  counting::stop_tracking();

  if (as_json) {
    json::object o{
        {"sample_cases", sample},
        {"created",
         {{"heap_bytes_per_case", created.heap},
          {"requested_bytes_per_case", created.requested},
          {"allocations_per_case", created.blocks},
          {"breakdown", pieces_json(created_pieces)}}},
        {"after_lifecycle",
         {{"events", steps.size()},
          {"ledger_entries", ledger_entries},
          {"heap_bytes_per_case", lifecycle.heap},
          {"requested_bytes_per_case", lifecycle.requested},
          {"allocations_per_case", lifecycle.blocks},
          {"breakdown", pieces_json(lifecycle_pieces)}}},
        {"live_cases",
         {{"cases", cases},
          {"heap_bytes_per_case", big.heap},
          {"allocations_per_case", big.blocks},
          {"heap_gib", big_total_gib},
          {"rss_before_mib", static_cast<double>(rss_before_kib) / 1024.0},
          {"rss_mib", static_cast<double>(rss_kib) / 1024.0},
          {"peak_rss_mib", static_cast<double>(hwm_kib) / 1024.0},
          {"create_seconds_wall", wall_s},
          {"create_seconds_cpu", cpu_s},
          {"cases_per_second_wall", static_cast<double>(cases) / wall_s},
          {"cases_per_second_cpu", static_cast<double>(cases) / cpu_s}}},
        {"leftover_bytes_after_drop", leftover.requested},
        {"goal_bytes_per_case", 2048},
        {"goal_met", created.heap <= 2048.0},
    };
    std::printf("%s\n", json::serialize(o).c_str());
    return 0;
  }

  std::printf(
      "heap per live case (mallinfo2: chunks in use incl. glibc overhead; requested: "
      "counting operator new)\n\n");
  std::printf("%-44s %12s %12s %12s\n", "", "heap B/case", "requested B", "allocations");
  std::printf("%-44s %12.0f %12.0f %12.1f\n",
              ("(a) created (" + std::to_string(sample) + " cases)").c_str(), created.heap,
              created.requested, created.blocks);
  std::printf("%-44s %12.0f %12.0f %12.1f\n",
              ("(b) after the lifecycle (" + std::to_string(steps.size()) + " events, " +
               std::to_string(ledger_entries) + " entries)")
                  .c_str(),
              lifecycle.heap, lifecycle.requested, lifecycle.blocks);
  std::printf("%-44s %12.0f %12s %12.1f\n",
              ("(c) " + std::to_string(cases) + " live cases, created").c_str(), big.heap, "—",
              big.blocks);
  std::printf(
      "\n(c) %zu live cases: heap %.2f GiB, RSS %.0f MiB (before: %.0f MiB), peak RSS "
      "(VmHWM) %.0f MiB;\n    created in %.2f s wall, %.2f s CPU: %.0f cases/s wall, "
      "%.0f cases/s CPU\n",
      cases, big_total_gib, static_cast<double>(rss_kib) / 1024.0,
      static_cast<double>(rss_before_kib) / 1024.0, static_cast<double>(hwm_kib) / 1024.0, wall_s,
      cpu_s, static_cast<double>(cases) / wall_s, static_cast<double>(cases) / cpu_s);
  std::printf("\ngoal: <= 2 KiB heap per live case before its ledger grows: %.0f B — %s\n",
              created.heap, created.heap <= 2048.0 ? "met" : "NOT met");
  std::printf("\nwhat a case holds after creation (requested bytes, copies of each piece):\n");
  print_pieces(created_pieces);
  std::printf("\nwhat a case holds after the lifecycle:\n");
  print_pieces(lifecycle_pieces);
  std::printf("\nleft over after dropping the sample cases: %.0f B\n", leftover.requested);
  return 0;
}
