#include "integrity/seal.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <boost/json.hpp>

#include <charconv>
#include <new>

#include "integrity/canonical_json.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {
namespace {

// Domain separation: the three kinds of thing sealed never hash the same bytes.
constexpr std::string_view kGenesisTag("undertake.genesis", 18);    // with its NUL
constexpr std::string_view kSnapshotTag("undertake.snapshot", 19);  // with its NUL

[[noreturn]] void crypto_failed(const char* what) {
  throw Error(ErrorKind::io, "libcrypto", std::string(what) + " failed");
}

}  // namespace

struct Seal::Impl {
  std::string key;  // empty: plain SHA-256
  EVP_MD* sha256 = nullptr;
  EVP_MAC* hmac = nullptr;

  ~Impl() {
    EVP_MD_free(sha256);
    EVP_MAC_free(hmac);
  }
};

namespace {

// One digest computation: SHA-256 or HMAC-SHA-256, fed by canonical JSON writers.
class Hasher final : public ByteSink {
 public:
  Hasher(EVP_MD* sha256, EVP_MAC* hmac, const std::string& key) {
    if (key.empty()) {
      md_ = EVP_MD_CTX_new();
      if (!md_) throw std::bad_alloc();
      if (EVP_DigestInit_ex2(md_, sha256, nullptr) != 1) crypto_failed("EVP_DigestInit_ex2");
    } else {
      mac_ = EVP_MAC_CTX_new(hmac);
      if (!mac_) throw std::bad_alloc();
      char digest_name[] = "SHA256";
      const OSSL_PARAM params[] = {
          OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
          OSSL_PARAM_construct_end()};
      if (EVP_MAC_init(mac_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                       params) != 1)
        crypto_failed("EVP_MAC_init");
    }
  }
  ~Hasher() override {
    EVP_MD_CTX_free(md_);
    EVP_MAC_CTX_free(mac_);
  }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void write(std::string_view bytes) override {
    const int ok = md_ ? EVP_DigestUpdate(md_, bytes.data(), bytes.size())
                       : EVP_MAC_update(mac_, reinterpret_cast<const unsigned char*>(bytes.data()),
                                        bytes.size());
    if (ok != 1) crypto_failed("digest update");
  }
  void write(const Digest& d) {
    write(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  Digest finish() {
    Digest out{};
    if (md_) {
      unsigned int n = 0;
      if (EVP_DigestFinal_ex(md_, out.data(), &n) != 1 || n != out.size())
        crypto_failed("EVP_DigestFinal_ex");
    } else {
      std::size_t n = 0;
      if (EVP_MAC_final(mac_, out.data(), &n, out.size()) != 1 || n != out.size())
        crypto_failed("EVP_MAC_final");
    }
    return out;
  }

 private:
  EVP_MD_CTX* md_ = nullptr;
  EVP_MAC_CTX* mac_ = nullptr;
};

}  // namespace

Seal::Seal() : impl_(std::make_unique<Impl>()) {
  impl_->sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!impl_->sha256) crypto_failed("EVP_MD_fetch(SHA256)");
}

Seal::Seal(std::string_view host_key) : Seal() {
  if (host_key.empty())
    throw Error(ErrorKind::invalid_argument, "host key", "an empty host key seals nothing");
  impl_->key = std::string(host_key);
  impl_->hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!impl_->hmac) crypto_failed("EVP_MAC_fetch(HMAC)");
}

Seal::~Seal() = default;

bool Seal::keyed() const noexcept {
  return !impl_->key.empty();
}

std::string_view Seal::scheme() const noexcept {
  return keyed() ? "hmac-sha256" : "sha256";
}

Digest Seal::genesis(std::string_view case_id, std::string_view policy_name,
                     std::string_view policy_version, const json::object& data) const {
  // The canonical form of {case_id, data, policy: {name, version}}, written without copying the
  // form into an object of its own.
  Hasher h(impl_->sha256, impl_->hmac, impl_->key);
  h.write(kGenesisTag);
  h.write("{\"case_id\":");
  write_canonical(json::value(case_id), h);
  h.write(",\"data\":");
  write_canonical(data, h);
  h.write(",\"policy\":{\"name\":");
  write_canonical(json::value(policy_name), h);
  h.write(",\"version\":");
  write_canonical(json::value(policy_version), h);
  h.write("}}");
  return h.finish();
}

Digest Seal::link(const Digest& previous, const json::object& entry) const {
  Hasher h(impl_->sha256, impl_->hmac, impl_->key);
  h.write(previous);
  write_canonical(entry, h, {"hash"});
  return h.finish();
}

Digest Seal::link(const Digest& previous, const LedgerEntry& e) const {
  // The members of to_json(LedgerEntry) in canonical (sorted) order: actor, at, event, kind (for
  // escalations), payload, seq, state.
  Hasher h(impl_->sha256, impl_->hmac, impl_->key);
  h.write(previous);
  h.write("{\"actor\":{\"id\":");
  write_canonical_string(e.actor.id, h);
  h.write(",\"roles\":[");
  for (std::size_t i = 0; i < e.actor.roles.size(); ++i) {
    if (i) h.write(",");
    write_canonical_string(e.actor.roles[i], h);
  }
  char when[kIso8601MaxLength];
  h.write("]},\"at\":\"");
  h.write(std::string_view(when, format_iso8601(e.at, when)));
  h.write("\",\"event\":");
  write_canonical_string(event_name(e.event), h);
  if (e.kind == EntryKind::escalation) h.write(",\"kind\":\"escalation\"");
  h.write(",\"payload\":");
  write_canonical(e.payload, h);
  char seq[24];
  const auto end = std::to_chars(seq, seq + sizeof seq, e.seq).ptr;
  h.write(",\"seq\":");
  h.write(std::string_view(seq, static_cast<std::size_t>(end - seq)));
  h.write(",\"state\":[");
  for (std::size_t i = 0; i < e.state.size(); ++i) {
    if (i) h.write(",");
    write_canonical_string(e.state[i], h);
  }
  h.write("]}");
  return h.finish();
}

Digest Seal::seal(const json::object& snapshot) const {
  Hasher h(impl_->sha256, impl_->hmac, impl_->key);
  h.write(kSnapshotTag);
  write_canonical(snapshot, h, {"digest", "ledger"});
  return h.finish();
}

std::string to_hex(const Digest& d) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(d.size() * 2, '0');
  for (std::size_t i = 0; i < d.size(); ++i) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
  return out;
}

std::optional<Digest> digest_from_hex(std::string_view hex) noexcept {
  Digest d{};
  if (hex.size() != d.size() * 2) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < d.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    d[i] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return d;
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
