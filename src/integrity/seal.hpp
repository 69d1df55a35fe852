// Sealing a case: the hash chain of its ledger and the digest of its snapshot (design.md §9).
//
// Every ledger entry carries hash = H(previous hash ‖ canonical entry), the first entry's
// "previous hash" being the genesis H(canonical {case_id, policy, data}); a snapshot carries
// digest = H(canonical snapshot without its digest and ledger) and the head (last seq and hash) of
// its ledger. H is SHA-256, or HMAC-SHA-256 under the host's key, so that someone who edits a
// stored case and re-hashes it without the key is found out too. Canonical forms:
// canonical_json.hpp. Digests come from OpenSSL's libcrypto.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "undertake/ledger.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

using Digest = std::array<std::uint8_t, 32>;

/// Lower-case hexadecimal, 64 characters.
std::string to_hex(const Digest& d);
/// Reads 64 hexadecimal characters; nothing for anything else.
std::optional<Digest> digest_from_hex(std::string_view hex) noexcept;

class Seal {
 public:
  /// Plain SHA-256 (no host key).
  Seal();
  /// HMAC-SHA-256 under `host_key`. Throws Error(invalid_argument) for an empty key.
  explicit Seal(std::string_view host_key);
  ~Seal();
  Seal(const Seal&) = delete;
  Seal& operator=(const Seal&) = delete;

  bool keyed() const noexcept;
  /// "sha256" or "hmac-sha256": written before a snapshot's digest.
  std::string_view scheme() const noexcept;

  /// The "previous hash" of a case's first ledger entry.
  Digest genesis(std::string_view case_id, std::string_view policy_name,
                 std::string_view policy_version, const boost::json::object& data) const;
  /// The hash of `entry` (its JSON; a `hash` member is not covered) following `previous`.
  Digest link(const Digest& previous, const boost::json::object& entry) const;
  /// The same for an entry as the case holds it, written in its canonical JSON form directly
  /// (the same bytes as to_json(entry) gives: the hot path of fire() builds no JSON for it).
  Digest link(const Digest& previous, const LedgerEntry& entry) const;
  /// The digest of a snapshot (its JSON; its `digest` and `ledger` members are not covered: the
  /// ledger is covered by its chain, whose head the snapshot holds).
  Digest seal(const boost::json::object& snapshot) const;

  /// Thread-safe: one Seal serves every case of an engine.
 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
