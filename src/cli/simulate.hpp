// A simulated small factory's orders: what people do next on a case, with realistic variety (key
// customers, thin margins, infeasible specs, legal revisions, design reworks, failed samples,
// rectifications, late production, complaints, suspensions, cancellations) and realistic
// attempts that the engine refuses (an approval a thin margin blocks, a signature that lacks the
// authority matrix's approvals, a close with an open complaint...).
//
// Used by `undertake demo`, by the replay property test (tests/property) with RapidCheck's
// generators as the source of choices, and by the store crash test (tests/store).
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "undertake/case.hpp"
#include "undertake/ledger.hpp"
#include "undertake/timestamp.hpp"

UNDERTAKE_BEGIN_NAMESPACE
namespace sim {

/// Where the randomness comes from.
class Chooser {
 public:
  virtual ~Chooser() = default;
  virtual bool chance(double p) = 0;          ///< true with probability p
  virtual int between(int lo, int hi) = 0;    ///< an integer in [lo, hi]
  virtual double real(double lo, double hi);  ///< a real in [lo, hi] (default: from between())
};

/// A seeded pseudo-random chooser (reproducible for a seed on every platform: it uses
/// std::mt19937_64 and its own integer-to-range mapping, not the standard distributions).
class RandomChooser final : public Chooser {
 public:
  explicit RandomChooser(std::uint64_t seed) : rng_(seed) {}
  bool chance(double p) override;
  int between(int lo, int hi) override;
  double real(double lo, double hi) override;

 private:
  std::mt19937_64 rng_;
};

/// Something a person does on a case.
struct Action {
  std::string event;
  Actor actor;
  boost::json::object payload;
  Timestamp at{};
};

/// The character an order was given when it arrived (for reports and tests).
struct Traits {
  bool key_customer = false;
  bool standard_product = false;
  bool incomplete_form = false;  ///< the market forwards a form missing quality requirements
  bool thin_margin = false;      ///< quoted below the 15 % minimum
  bool infeasible = false;       ///< the technical department finds the spec infeasible
  bool capacity_short = false;   ///< production capacity is short at first
  bool unhandled_risk = false;   ///< a high risk is registered without response or owner
  bool critical_risk = false;    ///< a critical risk needs a management override
  int legal_rejections = 0;      ///< drafts legal sends back
  bool slow_contract = false;    ///< the customer takes long to sign
  int design_reworks = 0;
  int sample_failures = 0;
  bool sample_rejected = false;  ///< the customer asks for an optimised sample once
  int failed_inspections = 0;
  bool late_production = false;
  int complaints = 0;
  bool complaint_unsatisfied = false;  ///< the first verification finds the customer unsatisfied
  bool slow_complaint = false;         ///< the complaint takes longer than 72 hours
  std::string cancel_in;               ///< stage in which the customer withdraws ("": never)
  std::string suspend_in;              ///< stage in which the case is put on hold ("": never)
  bool resume_after_suspension = true;

  boost::json::object to_json() const;
};

/// One order's script: decides, from the case as it stands, what someone does next.
class OrderScript {
 public:
  /// Draws a new order arriving at `arrival`.
  static OrderScript draw(std::string id, Timestamp arrival, Chooser& ch);

  const std::string& id() const noexcept { return id_; }
  const boost::json::object& form() const noexcept { return form_; }
  const Traits& traits() const noexcept { return traits_; }
  Timestamp arrival() const noexcept { return arrival_; }

  /// The next action on `c`, no earlier than `not_before` (and the case's last entry), or nothing
  /// when the order needs nobody any more (ended, or closed after its service period).
  std::optional<Action> next(const Case& c, Timestamp not_before, Chooser& ch);
  /// Tells the script how its last action went (it changes plans after a refusal).
  void observe(const Action& action, const Outcome& outcome);

 private:
  struct Moment;  // the case, the time and the dice of one planning step (simulate.cpp)
  std::optional<Action> plan(const Case& c, Timestamp t, Chooser& ch);
  // Each plans the next action in one part of the process, or nothing when the case is not there.
  std::optional<Action> plan_interruption(const std::string& stage, Timestamp t, Chooser& ch);
  std::optional<Action> plan_intake(const Moment& m);
  std::optional<Action> plan_evaluation(const Moment& m);
  Action plan_assessment(const Moment& m, int pick, Timestamp when);
  std::optional<Action> plan_after_refused_approval(const Moment& m, Timestamp when);
  std::optional<Action> plan_contract(const Moment& m);
  std::optional<Action> plan_kickoff(const Moment& m);
  std::optional<Action> plan_design(const Moment& m);
  std::optional<Action> plan_preparation(const Moment& m);
  std::optional<Action> plan_production(const Moment& m);
  std::optional<Action> plan_delivery(const Moment& m);
  std::optional<Action> plan_after_sales(const Moment& m);
  Action act(std::string event, const Actor& actor, Timestamp at,
             boost::json::object payload = {}) const;

  std::string id_;
  Timestamp arrival_{};
  boost::json::object form_;
  Traits traits_;
  // Plans and memory.
  double price_ = 0, cost_ = 0;
  double quantity_ = 0;
  std::string delivery_date_;
  bool form_fixed_ = false;
  bool forwarded_too_early_ = false;
  int requotes_ = 0;
  std::map<std::string, int> refusals_;  ///< event → refusals so far
  std::string last_refusal_rule_;
  bool override_next_ = false;
  bool reject_next_ = false;
  std::string reject_reason_;
  bool risks_fixed_ = false;
  int legal_rejections_done_ = 0;
  bool try_sign_early_ = false;
  int reworks_done_ = 0;
  int sample_failures_done_ = 0;
  bool sample_rejected_done_ = false;
  int batches_ = 1;
  int batch_no_ = 0;
  int failed_inspections_done_ = 0;
  std::string open_batch_;
  bool suspended_done_ = false;
  int complaints_done_ = 0;
  std::string open_complaint_;
  bool complaint_unsatisfied_done_ = false;
  bool feedback_done_ = false;
  bool tried_close_with_complaint_ = false;
  int steps_ = 0;
};

/// The people of the simulated factory (ids and roles).
struct Staff {
  static const Actor& market();
  static const Actor& sales(int i = 0);
  static const Actor& technical_head();
  static const Actor& engineer();
  static const Actor& production_head();
  static const Actor& operator_();
  static const Actor& quality_head();
  static const Actor& inspector();
  static const Actor& legal();
  static const Actor& manager(int i = 0);
};

}  // namespace sim
UNDERTAKE_END_NAMESPACE
