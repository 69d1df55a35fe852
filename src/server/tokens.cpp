#include "server/tokens.hpp"

#include <openssl/evp.h>

#include <cctype>

#include <boost/json.hpp>

#include "undertake/error.hpp"
#include "undertake/json_text.hpp"

namespace json = boost::json;

namespace undertake::server {
namespace {

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int size = 0;
  if (!EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr) ||
      size != out.size())
    throw Error(ErrorKind::io, "tokens", "SHA-256 is not available from OpenSSL");
  return out;
}

Principal principal_of(const json::value& v, const std::string& where) {
  if (!v.is_object())
    throw Error(ErrorKind::invalid_json, where, "expected {\"id\": ..., \"roles\": [...]}");
  Principal p;
  try {
    p.actor = actor_from_json(v, where);
  } catch (const Error& e) {
    throw Error(ErrorKind::invalid_json, e.where(), e.why());
  }
  if (const auto* ro = v.get_object().if_contains("read_only")) {
    if (!ro->is_bool())
      throw Error(ErrorKind::invalid_json, where + "/read_only", "expected true or false");
    p.read_only = ro->get_bool();
  }
  return p;
}

}  // namespace

Tokens Tokens::from_file(const std::string& path) {
  return from_json(read_json_file(path, InputLimits{}), path);
}

Tokens Tokens::from_json(const json::value& doc, std::string_view where) {
  const std::string at(where);
  const json::value* tokens = doc.is_object() ? doc.get_object().if_contains("tokens") : nullptr;
  if (!tokens || !tokens->is_object())
    throw Error(ErrorKind::invalid_json, at,
                "expected {\"tokens\": {\"<secret>\": {\"id\": ..., \"roles\": [...]}}}");
  Tokens out;
  std::size_t index = 0;
  for (const auto& kv : tokens->get_object()) {
    // The secret itself never goes into a message (the log would keep it): its position does.
    const std::string place = at + ": /tokens (entry " + std::to_string(++index) + ")";
    if (kv.key().size() < kMinSecretBytes)
      throw Error(ErrorKind::invalid_json, place,
                  "a secret shorter than " + std::to_string(kMinSecretBytes) +
                      " bytes is too easy to guess (use e.g. `openssl rand -hex 24`)");
    out.by_digest_[sha256(kv.key())] = principal_of(kv.value(), place);
  }
  if (out.by_digest_.empty())
    throw Error(ErrorKind::invalid_argument, at, "no token: nobody could use the server");
  return out;
}

std::optional<Principal> Tokens::authenticate(std::string_view authorization) const {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < scheme.size(); ++i)  // the scheme is case-insensitive (RFC 9110)
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(scheme[i])))
      return std::nullopt;
  const auto it = by_digest_.find(sha256(authorization.substr(scheme.size())));
  if (it == by_digest_.end()) return std::nullopt;
  return it->second;
}

}  // namespace undertake::server
