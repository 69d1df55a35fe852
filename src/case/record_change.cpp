// RecordChange: an event's change to the record, staged by swaps that cannot fail.
#include "case/record_change.hpp"

#include <stdexcept>

namespace json = boost::json;

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

std::size_t RecordChange::index_of(std::size_t section, std::string_view key) const noexcept {
  std::size_t i = 0;
  while (i < entry_count_ && !(entries_[i].section == section && entries_[i].key == key)) ++i;
  return i;
}

RecordChange::Entry& RecordChange::entry(std::size_t section, std::string_view key,
                                         const json::object& source, bool copy) {
  if (const std::size_t i = index_of(section, key); i < entry_count_) return entries_[i];
  if (entry_count_ == entries_.size())
    throw std::logic_error("RecordChange: an event touches more of the record than foreseen");
  Entry& e = entries_[entry_count_];
  const auto it = source.find(key);
  const bool existed = it != source.end();
  if (existed && copy)
    e.value.emplace(it->value(), source.storage());  // the copy the event changes
  else
    e.value.emplace(source.storage());
  e.section = section;
  e.key = key;
  e.position = existed ? static_cast<std::size_t>(it - source.begin()) : 0;
  e.existed = existed;
  e.removed = e.added = false;
  ++entry_count_;
  return e;
}

json::value& RecordChange::Section::operator[](std::string_view key) {
  return *owner_->entry(index_, key, *source_, true).value;
}

const json::value* RecordChange::Section::if_contains(std::string_view key) const {
  if (const std::size_t i = owner_->index_of(index_, key); i < owner_->entry_count_)
    return &*owner_->entries_[i].value;
  return source_->if_contains(key);
}

const json::value& RecordChange::Section::at(std::string_view key) const {
  if (const json::value* v = if_contains(key)) return *v;
  throw std::out_of_range("record key not found");
}

RecordChange::Section& RecordChange::section(std::string_view name) {
  for (std::size_t i = 0; i < section_count_; ++i)
    if (sections_[i].name_ == name) return sections_[i];
  if (section_count_ == sections_.size())
    throw std::logic_error("RecordChange: an event touches more sections than foreseen");
  Section& s = sections_[section_count_];
  s.source_ = &record_.at(name).as_object();
  s.owner_ = this;
  s.index_ = section_count_;
  s.name_ = name;
  ++section_count_;
  return s;
}

json::value& RecordChange::operator[](std::string_view key) {
  Entry& e = entry(kTop, key, record_, true);
  if (e.removed) {
    e.removed = false;
    *e.value = nullptr;
  }
  return *e.value;
}

const json::value& RecordChange::at(std::string_view key) const {
  if (const std::size_t i = index_of(kTop, key); i < entry_count_) {
    if (entries_[i].removed) throw std::out_of_range("record member removed by the event");
    return *entries_[i].value;
  }
  return record_.at(key);
}

json::value& RecordChange::replace(std::string_view key) {
  Entry& e = entry(kTop, key, record_, false);
  e.removed = false;
  *e.value = nullptr;
  return *e.value;
}

void RecordChange::erase(std::string_view key) {
  Entry& e = entry(kTop, key, record_, false);
  *e.value = nullptr;
  e.removed = true;
}

std::array<json::object*, 4> RecordChange::sections_in(json::object& record) const noexcept {
  std::array<json::object*, 4> held{};
  for (std::size_t i = 0; i < section_count_; ++i) {
    json::value* v = record.if_contains(sections_[i].name_);
    held[i] = v && v->is_object() ? &v->get_object() : nullptr;
  }
  return held;
}

void RecordChange::swap_values(json::object& record,
                               const std::array<json::object*, 4>& sections) noexcept {
  for (std::size_t i = 0; i < entry_count_; ++i) {
    Entry& e = entries_[i];
    json::value* v = nullptr;
    if (e.section == kTop)
      v = record.if_contains(e.key);
    else if (json::object* o = sections[e.section]; o && e.position < o->size())
      v = &(o->begin() + e.position)->value();
    if (v) v->swap(*e.value);
  }
}

void RecordChange::stage(json::object& record) {
  std::array<json::object*, 4> held{};
  try {
    // Top-level keys first: adding to the record may move its sections, adding to a section
    // moves nothing of the record.
    for (std::size_t i = 0; i < entry_count_; ++i) {
      Entry& e = entries_[i];
      if (e.section != kTop || e.existed || e.removed) continue;
      record.emplace(e.key, nullptr);
      e.added = true;
    }
    held = sections_in(record);
    for (std::size_t i = 0; i < entry_count_; ++i) {
      Entry& e = entries_[i];
      if (e.section == kTop || e.existed || !held[e.section]) continue;
      e.position = held[e.section]->size();
      held[e.section]->emplace(e.key, nullptr);
      e.added = true;
    }
  } catch (...) {
    unstage(record);  // takes out the keys added so far (no value was swapped yet)
    throw;
  }
  swap_values(record, held);
  swapped_ = true;
}

void RecordChange::unstage(json::object& record) noexcept {
  const auto held = sections_in(record);
  if (swapped_) swap_values(record, held);
  swapped_ = false;
  // Added keys out, last added first. Each was added after every key already there, and erasing
  // a key moves only the last key into its place, so the keys that were there keep their order.
  for (std::size_t i = entry_count_; i-- > 0;) {
    Entry& e = entries_[i];
    if (!e.added || e.section == kTop) continue;
    if (json::object* o = held[e.section]; o && e.position < o->size())
      o->erase(o->begin() + e.position);
    e.added = false;
  }
  for (std::size_t i = entry_count_; i-- > 0;) {
    Entry& e = entries_[i];
    if (!e.added) continue;
    record.erase(e.key);
    e.added = false;
  }
}

void RecordChange::commit(json::object& record) noexcept {
  for (std::size_t i = 0; i < entry_count_; ++i)
    if (entries_[i].removed) record.erase(entries_[i].key);
}

}  // namespace detail
UNDERTAKE_END_NAMESPACE
