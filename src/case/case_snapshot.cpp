// Snapshots of format 3 (design.md §9): a case's whole state — the machine's configuration and
// where case.resume returns to, the record, the risk register, the pending deadlines and the head
// of its hash-chained ledger — sealed with a digest, so that a case is restored from it without
// replaying its ledger, in time independent of the ledger's length. The ledger may travel with
// the snapshot (then its chain is checked) or stay where the store keeps it.
#include <boost/json.hpp>

#include "case/case_impl.hpp"
#include "undertake/error.hpp"

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace {

[[noreturn]] void damaged(const std::string& path, const std::string& why) {
  throw Error(ErrorKind::invalid_snapshot, "snapshot: " + path, why);
}

const json::value& member(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) damaged("/" + std::string(key), "missing");
  return *v;
}

json::array strings_json(const std::vector<std::string>& items) {
  json::array a;
  a.reserve(items.size());
  for (const auto& i : items) a.emplace_back(i);
  return a;
}

std::vector<std::string> strings_of(const json::value& v, const std::string& path) {
  if (!v.is_array()) damaged(path, "expected an array of state paths");
  std::vector<std::string> out;
  out.reserve(v.get_array().size());
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) damaged(path, "expected an array of state paths");
    out.emplace_back(item.get_string());
  }
  return out;
}

json::value head_json(const LedgerHead& head) {
  return json::object{{"seq", head.seq},
                      {"hash", head.seq ? json::value(detail::to_hex(head.hash)) : nullptr},
                      {"at", head.at ? json::value(format_iso8601(*head.at)) : nullptr}};
}

LedgerHead head_of(const json::value& v, std::uint64_t revision) {
  if (!v.is_object()) damaged("/ledger_head", "expected {seq, hash, at}");
  const json::object& o = v.get_object();
  LedgerHead head;
  const json::value& seq = member(o, "seq");
  if (!seq.is_number() || seq.to_number<double>() != static_cast<double>(revision))
    damaged("/ledger_head/seq", "the ledger head must be at the revision");
  head.seq = revision;
  if (revision == 0) return head;
  const json::value& hash = member(o, "hash");
  std::optional<detail::Digest> h;
  if (hash.is_string()) h = detail::digest_from_hex(hash.get_string());
  if (!h) damaged("/ledger_head/hash", "expected 64 lower-case hexadecimal digits");
  head.hash = *h;
  const json::value& at = member(o, "at");
  if (at.is_string()) head.at = parse_iso8601(at.get_string());
  if (!head.at) damaged("/ledger_head/at", "expected the ISO-8601 time of the last entry");
  return head;
}

// The seal a snapshot names must be the engine's: a keyed engine does not take a snapshot anyone
// could have re-hashed, and an engine without the key cannot check one sealed with it.
void check_digest(const json::object& o, const detail::Seal& seal) {
  const json::value& digest = member(o, "digest");
  if (!digest.is_string()) damaged("/digest", "expected \"<scheme>:<hex>\"");
  const std::string_view text = digest.get_string();
  const auto colon = text.find(':');
  const std::string_view scheme = text.substr(0, colon);
  if (colon == std::string_view::npos || (scheme != "sha256" && scheme != "hmac-sha256"))
    damaged("/digest", "expected \"sha256:<hex>\" or \"hmac-sha256:<hex>\"");
  if (scheme != seal.scheme())
    damaged("/digest", seal.keyed()
                           ? "the snapshot is not sealed with this engine's host key (anyone "
                             "could have re-hashed it): refused"
                           : "the snapshot is sealed with a host key this engine does not have");
  const auto expected = detail::digest_from_hex(text.substr(colon + 1));
  if (!expected) damaged("/digest", "expected 64 lower-case hexadecimal digits after the scheme");
  if (*expected != seal.seal(o))
    damaged("/digest",
            "does not match the snapshot's content: the snapshot was damaged or edited "
            "(verify replays its ledger to find where)");
}

// Checks the ledger that travels with a snapshot against its chain, from the case's genesis to
// the head the snapshot names.
std::vector<LedgerEntry> chained_ledger(const json::value& v, const Case::Impl& c) {
  if (!v.is_array()) damaged("/ledger", "expected an array of ledger entries");
  const json::array& entries = v.get_array();
  if (entries.size() != c.head.seq)
    damaged("/ledger", "holds " + std::to_string(entries.size()) +
                           " entries; the ledger head is at seq " + std::to_string(c.head.seq));
  std::vector<LedgerEntry> ledger;
  ledger.reserve(entries.size());
  detail::Digest previous = c.base;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::string path = "/ledger/" + std::to_string(i);
    try {
      ledger.push_back(ledger_entry_from_json(entries[i], path));
    } catch (const Error& e) {
      damaged(e.where(), e.why());
    }
    const LedgerEntry& e = ledger.back();
    if (e.seq != i + 1) damaged(path + "/seq", "sequence numbers must run 1, 2, 3, ...");
    if (e.hash != c.seal->link(previous, entries[i].get_object()))
      damaged(path + "/hash",
              "does not follow from the entry before it: the entry was edited, or its hash "
              "was not made with this engine's seal");
    previous = e.hash;
  }
  if (!entries.empty() && previous != c.head.hash)
    damaged("/ledger_head/hash", "is not the hash of the ledger's last entry");
  return ledger;
}

}  // namespace

json::value Case::snapshot(const SnapshotOptions& options) const {
  return detail::snapshot_of(*impl_, options.ledger);
}

json::value detail::snapshot_head(const Case::Impl& c) {
  return snapshot_of(c, false);
}

json::value detail::snapshot_of(const Case::Impl& c, bool with_ledger) {
  detail::seal_entries(c);
  json::object o;
  o.reserve(17);
  o["format"] = "undertake.snapshot";
  o["format_version"] = kSnapshotFormatVersion;
  o["case_id"] = c.id;
  o["policy"] = json::object{{"name", c.policy->name()}, {"version", c.policy->version()}};
  o["revision"] = c.head.seq;
  o["stage"] = c.machine.stage();
  o["state"] = strings_json(c.machine.configuration());
  if (auto resume = c.machine.resume_configuration(); !resume.empty())
    o["resume_state"] = strings_json(resume);
  o["data"] = c.data;
  o["record"] = c.record;
  o["risk_register"] = c.risks.to_json();
  o["deadlines"] = detail::deadlines_json(c);
  o["ledger_head"] = head_json(c.head);
  if (with_ledger && c.ledger_complete) {
    json::array ledger;
    ledger.reserve(c.ledger.size());
    for (const auto& e : c.ledger) ledger.push_back(to_json(e));
    o["ledger"] = std::move(ledger);
  }
  o["digest"] = std::string(c.seal->scheme()) + ":" + detail::to_hex(c.seal->seal(o));
  return o;
}

namespace detail {

Digest genesis_of(const Case::Impl& c) {
  return genesis_of(c, c.data);
}

Digest genesis_of(const Case::Impl& c, const json::object& data) {
  return c.seal->genesis(c.id, c.policy->name(), c.policy->version(), data);
}

void append_entry(Case::Impl& c, LedgerEntry entry) {
  entry.seq = c.head.seq + 1;
  entry.hash = LedgerHash{};
  const std::uint64_t seq = entry.seq;
  const Timestamp at = entry.at;
  c.ledger.push_back(std::move(entry));
  c.head.seq = seq;
  c.head.at = at;
  ++c.unsealed;
}

void seal_entries(const Case::Impl& c) {
  if (c.unsealed == 0) return;
  const std::size_t first = c.ledger.size() - c.unsealed;
  std::vector<Digest> hashes;
  hashes.reserve(c.unsealed);
  Digest previous = first ? c.ledger[first - 1].hash : c.base;
  for (std::size_t i = first; i < c.ledger.size(); ++i)
    hashes.push_back(previous = c.seal->link(previous, c.ledger[i]));
  for (std::size_t i = 0; i < hashes.size(); ++i) c.ledger[first + i].hash = hashes[i];
  c.head.hash = hashes.back();
  c.unsealed = 0;
}

void restore_sealed(Case::Impl& c, const json::object& o, json::object* movable) {
  check_digest(o, *c.seal);
  const json::value* resume = o.if_contains("resume_state");
  c.machine = ProcessMachine::restored(
      strings_of(member(o, "state"), "/state"),
      resume ? strings_of(*resume, "/resume_state") : std::vector<std::string>{});
  if (member(o, "stage") != json::value(c.machine.stage()))
    damaged("/stage", "is not the stage of the state the snapshot gives");
  const json::value& record = member(o, "record");
  if (!record.is_object()) damaged("/record", "expected an object");
  c.risks = RiskRegister::from_json(member(o, "risk_register"), "snapshot: /risk_register");
  const json::value& deadlines = member(o, "deadlines");
  if (!deadlines.is_array()) damaged("/deadlines", "expected an array of pending deadlines");
  for (std::size_t i = 0; i < deadlines.get_array().size(); ++i)
    c.deadlines.pending.push_back(PendingDeadline::from_json(
        deadlines.get_array()[i], "snapshot: /deadlines/" + std::to_string(i)));
  const json::value& revision = member(o, "revision");
  if (!revision.is_uint64() && !(revision.is_int64() && revision.get_int64() >= 0))
    damaged("/revision", "expected a whole number >= 0");
  c.head = head_of(member(o, "ledger_head"), revision.to_number<std::uint64_t>());
  const json::value* ledger = o.if_contains("ledger");
  // What the first held entry links to: the genesis when the chain starts here (an empty ledger,
  // or the ledger travelling with the snapshot); the head when the case is restored without it.
  const json::object& data = member(o, "data").get_object();
  c.base = c.head.seq == 0 || ledger ? genesis_of(c, data) : c.head.hash;
  if (ledger) {
    c.ledger = chained_ledger(*ledger, c);
  } else {
    c.ledger_complete = false;
  }
  // Last, when nothing can fail any more: a snapshot given up by the caller is taken apart only
  // when the case is restored.
  if (movable) {
    c.data = std::move(movable->at("data").get_object());
    c.record = std::move(movable->at("record"));
  } else {
    c.data = data;
    c.record = record;
  }
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
