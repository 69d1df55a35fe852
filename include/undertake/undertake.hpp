// undertake — the C++ API in one include. Hosts need nothing else; Boost.MSM stays inside the
// library, so including this costs a host the Boost.JSON headers and little more.
#pragma once

#include "undertake/case.hpp"
#include "undertake/engine.hpp"
#include "undertake/error.hpp"
#include "undertake/events.hpp"
#include "undertake/json_text.hpp"
#include "undertake/jsonlogic.hpp"
#include "undertake/ledger.hpp"
#include "undertake/policy.hpp"
#include "undertake/rules.hpp"
#include "undertake/timestamp.hpp"
