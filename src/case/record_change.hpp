// The change an accepted event makes to a case's record (internal), built on copies of what it
// touches and put in place by swaps: what gives fire() its strong guarantee.
#pragma once

#include "undertake/config.hpp"
#include <boost/json.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

UNDERTAKE_BEGIN_NAMESPACE
namespace detail {

/// What an accepted event changes in the record, built before anything of the case changes. Only
/// what the event touches is copied, on first use, and changed on the copy: a key of a top-level
/// section (`contract.draft`, `production.batches`) through section(), or a top-level member whole
/// through operator[]. Building the change may fail (out of memory, a number JSON cannot hold)
/// with the case untouched; the change is then put in place by swaps that cannot fail. It reads
/// like the record it changes (operator[], at, erase; a Section like an object), so
/// apply_to_record is written as if it edited the record. Keys are kept as views: they must
/// outlive the change (string literals, or keys of the event's payload).
class RecordChange {
 public:
  /// One top-level object member of the record (`contract`, ...), changed key by key.
  class Section {
   public:
    /// The key's value as it will be: a copy of the record's (null when absent), on first use.
    boost::json::value& operator[](std::string_view key);
    /// The key's value as it will be; throws std::out_of_range when there is none.
    const boost::json::value& at(std::string_view key) const;
    /// The key's value as it will be, or null when there is none.
    const boost::json::value* if_contains(std::string_view key) const;
    bool contains(std::string_view key) const { return if_contains(key) != nullptr; }

   private:
    friend class RecordChange;
    RecordChange* owner_ = nullptr;
    std::size_t index_ = 0;  ///< in sections_
    std::string_view name_;
    const boost::json::object* source_ = nullptr;  ///< the record's own section
  };

  explicit RecordChange(const boost::json::object& record) : record_(record) {}
  RecordChange(const RecordChange&) = delete;
  RecordChange& operator=(const RecordChange&) = delete;

  /// The section `name`, which must be an object of the record.
  Section& section(std::string_view name);
  /// A top-level member as it will be, replaced whole: a copy of the record's (null when it has
  /// none), taken on first use.
  boost::json::value& operator[](std::string_view key);
  /// A top-level member replaced whole by a new value: starts null (the old one is not copied).
  boost::json::value& replace(std::string_view key);
  /// A top-level member as it will be (the record's own when the change does not touch it);
  /// throws std::out_of_range when there is none.
  const boost::json::value& at(std::string_view key) const;
  /// Removes a top-level member.
  void erase(std::string_view key);

  /// Puts the change into `record` (the record it was built from): keys the record lacks are
  /// added first (this may throw std::bad_alloc, leaving the record as it was), then each value
  /// is swapped in. A removed member reads null until commit(). The keys added come after the
  /// record's own, so erasing them again moves none of those (the event facts fire() puts beside
  /// the record are added and removed the same way); nothing else may add keys to the record's
  /// sections while the change is staged.
  void stage(boost::json::object& record);
  /// Takes a staged change out again: the record is as it was, the order of its keys included.
  void unstage(boost::json::object& record) noexcept;
  /// Makes a staged change final: removes the removed members. The record's old values are
  /// destroyed with the change.
  void commit(boost::json::object& record) noexcept;

 private:
  static constexpr std::size_t kTop = static_cast<std::size_t>(-1);  ///< not in a section
  // Every member but `value` is set by entry() when the entry is taken into use: the 16 places
  // are made for every event, most stay unused, and leaving them uninitialised is what keeps
  // a change cheap to create.
  struct Entry {
    std::size_t section;  ///< index into sections_, or kTop for a top-level member
    std::string_view key;
    /// The value as it will be, on the record's memory resource (so swaps cannot fail).
    std::optional<boost::json::value> value;
    /// Where the key is in its section (keys keep their place while keys are appended): saves
    /// looking it up again. Top-level members are looked up, the event facts move them.
    std::size_t position;
    bool existed;  ///< the record had the key when the change was built
    bool removed;
    bool added;  ///< stage() added the key to the record
  };
  /// The entry of that key, or entry_count_ when there is none.
  std::size_t index_of(std::size_t section, std::string_view key) const noexcept;
  Entry& entry(std::size_t section, std::string_view key, const boost::json::object& source,
               bool copy);
  /// The record's sections this change touches, in the order of sections_ (null: gone).
  std::array<boost::json::object*, 4> sections_in(boost::json::object& record) const noexcept;
  /// Swaps each entry's value with the record's (putting the change in, or taking it out).
  void swap_values(boost::json::object& record,
                   const std::array<boost::json::object*, 4>& sections) noexcept;

  const boost::json::object& record_;
  // Fixed places, so that the references handed out stay valid while more are added. The most
  // an event of the process touches: 7 keys (contract.revise), 2 sections (kickoff.meeting).
  std::array<Entry, 16> entries_;
  std::array<Section, 4> sections_;
  std::size_t entry_count_ = 0;
  std::size_t section_count_ = 0;
  bool swapped_ = false;  ///< stage() swapped the values in
};

/// Keeps a change staged (the record reads as the event leaves it) until commit(), and takes it
/// out again however the scope is left otherwise.
class StagedChange {
 public:
  StagedChange(RecordChange& change, boost::json::object& record)
      : change_(change), record_(record) {
    change_.stage(record_);
  }
  ~StagedChange() {
    if (!committed_) change_.unstage(record_);
  }
  StagedChange(const StagedChange&) = delete;
  StagedChange& operator=(const StagedChange&) = delete;

  void commit() noexcept {
    change_.commit(record_);
    committed_ = true;
  }

 private:
  RecordChange& change_;
  boost::json::object& record_;
  bool committed_ = false;
};

}  // namespace detail
UNDERTAKE_END_NAMESPACE
