// The bearer tokens of `undertake serve` (design.md §10): a JSON file mapping each secret to the
// actor it stands for,
//
//   {"tokens": {"<secret>": {"id": "li", "roles": ["sales"]},
//               "<secret2>": {"id": "audit", "roles": [], "read_only": true}}}
//
// The actor of every event fired over HTTP is the token's: a request cannot name another.
// Secrets are kept as SHA-256 digests only, and a presented token is looked up by its digest, so
// the time a lookup takes says nothing about the secrets' characters and a dump of the server's
// memory holds no usable secret.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "undertake/ledger.hpp"

namespace undertake::server {

/// Who a token is.
struct Principal {
  Actor actor;
  bool read_only = false;  ///< may read and evaluate, never change the store
};

class Tokens {
 public:
  /// Shortest secret accepted: 16 bytes (128 bits of a random hex or base64 secret).
  static constexpr std::size_t kMinSecretBytes = 16;

  /// Reads a tokens file. Error(not_found) for a missing file, Error(invalid_json) for a file
  /// that is not of the shape above (naming the JSON path: an actor without id, a secret shorter
  /// than kMinSecretBytes, roles that are not strings), Error(invalid_argument) for a file without
  /// any token.
  static Tokens from_file(const std::string& path);
  /// The same from a document (`where` names it in errors).
  static Tokens from_json(const boost::json::value& doc, std::string_view where);

  /// The principal of an `Authorization` header value `Bearer <secret>`, or nothing for a header
  /// that is missing, malformed or names no known secret.
  std::optional<Principal> authenticate(std::string_view authorization) const;

  std::size_t size() const noexcept { return by_digest_.size(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  std::map<Digest, Principal> by_digest_;
};

}  // namespace undertake::server
