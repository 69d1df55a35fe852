/*
 * undertake — the C API (design.md §7).
 *
 * A stable, exception-free boundary to the engine for C hosts and for other languages (the Python
 * and Node bindings are built on it). It compiles as C99 and as C++.
 *
 * ## Conventions
 *
 * - Handles are opaque: `ut_engine` (a policy, the host's callbacks, the cases it opened) and
 *   `ut_case` (one customer order going through the process).
 * - Every function that can fail returns an `int` status: `UT_OK` (0), `UT_REFUSED` (1, the
 *   process refused an event: a normal business answer, not an error), or a negative `UT_E_*`
 *   error. On any status other than `UT_OK`, `ut_last_error()` says what and why (file, JSON path,
 *   event, rule) in one UTF-8 line that a person can read.
 * - Output parameters are set to NULL / 0 first, so on an error they hold nothing to free.
 * - Strings in and out are NUL-terminated UTF-8. Strings coming in are validated: case ids,
 *   event names, times and names follow the identifier rules (non-empty, at most 4096 bytes,
 *   valid UTF-8, no control character: `UT_E_INVALID_ARGUMENT`); invalid UTF-8 in JSON text is
 *   `UT_E_INVALID_JSON`.
 * - JSON text coming in is parsed with limits (see `ut_engine_set_limits`): larger or deeper
 *   documents give `UT_E_LIMIT`, never a crash or unbounded recursion. The limits are the
 *   engine's own (include/undertake/limits.hpp), the same the C++ API, the CLI and the store use:
 *   what is accepted can always be snapshotted and restored. A payload may nest 4 levels less
 *   than the limit and a requirement form 2 less (the levels of the snapshot around them), and a
 *   case is refused the event (UT_REFUSED, reason kind `limit`) that would make its snapshot
 *   larger than the byte limit.
 * - Every `char*` the library returns is owned by the caller and freed with `ut_free()`. Strings
 *   passed to callbacks are borrowed: valid only during the call.
 * - Times are ISO-8601 strings: `2026-03-02` (midnight UTC) or `2026-03-02T09:00:00Z` (optional
 *   `.fff`, `Z` or `±hh:mm`). The engine never reads the clock: the host says when things happen.
 * - No C++ exception ever crosses this boundary: every entry point catches everything, including
 *   `std::bad_alloc` (`UT_E_NO_MEMORY`).
 * - Every free/close function accepts NULL.
 *
 * ## Threads
 *
 * - An engine may be shared by many threads: every `ut_engine_*` function may be called
 *   concurrently with any other, and with functions on the engine's cases.
 * - A case is used by one thread at a time (the host serialises calls on one `ut_case*`).
 *   Different cases may be used from different threads at once, also cases of one engine.
 * - `ut_last_error()` is per thread. The functions that return nothing (`ut_free`, `ut_case_free`,
 *   `ut_engine_close`, `ut_store_close`) never change it: what a failed call left can be freed
 *   before its error is read.
 * - Callbacks (custom rules, KPI calculators, the listener) run on the thread that made the call
 *   that needs them (`ut_case_fire`, `ut_case_restore`, `ut_engine_kpi`, ...). Callbacks of an
 *   engine shared by threads may run concurrently and must be thread-safe.
 *
 * ## Lifetimes
 *
 * - A case keeps what it needs of its engine alive (policy, callbacks) until it is freed, so
 *   `ut_engine_close` with live cases is safe, in any order. After `ut_engine_close(e)` returns,
 *   the library never calls a callback registered on `e` again (the host may free its user_data
 *   then). The engine's cases stay valid for reading (`ut_case_state`, `ut_case_snapshot`, ...)
 *   and must still be freed with `ut_case_free`; `ut_case_fire` on them returns `UT_E_CLOSED`.
 *   `ut_engine_close` waits for calls in flight on other threads; it must not be called from a
 *   callback of that engine (if it is, the engine is closed at once but the callback in progress
 *   and calls already in flight on other threads still complete).
 * - A freed handle must not be used again (as with free()): that is undefined behaviour. The
 *   library detects some misuse (a handle of the wrong kind, a double free) on a best-effort basis
 *   and reports `UT_E_INVALID_ARGUMENT`, but this is no guarantee.
 */
#ifndef UNDERTAKE_UNDERTAKE_H
#define UNDERTAKE_UNDERTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "undertake/undertake_version.h"

/* UT_API marks the functions the shared library exports; everything else is hidden. Define
 * UT_STATIC when linking a static build of the C API on Windows. */
#if defined(_WIN32) || defined(__CYGWIN__)
#if defined(UT_STATIC)
#define UT_API
#elif defined(UT_BUILDING_LIBRARY)
#define UT_API __declspec(dllexport)
#else
#define UT_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) || defined(__clang__)
#define UT_API __attribute__((visibility("default")))
#else
#define UT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Status codes */

enum {
  UT_OK = 0,      /**< success (for ut_case_fire: the event was accepted) */
  UT_REFUSED = 1, /**< the process refused the event (role, state, gate, ...); nothing changed;
                       the outcome JSON says why */
  UT_E_INVALID_ARGUMENT = -1, /**< a NULL where a value is needed, invalid UTF-8, an empty or
                                   malformed id/name/time, an unusable actor or requirement form,
                                   a handle of the wrong kind */
  UT_E_INVALID_JSON = -2,     /**< text that is not JSON (or not UTF-8), or JSON of the wrong
                                   shape (e.g. a payload that is not an object) */
  UT_E_POLICY = -3,           /**< a policy (rules directory, file, document) or rule that does not
                                   validate or compile; the message names file, JSON path and reason */
  UT_E_SNAPSHOT = -4,   /**< a snapshot or ledger that cannot be restored (damaged, edited, unknown
                             policy version); nothing was half-loaded */
  UT_E_NOT_FOUND = -5,  /**< a file, case id, rule or KPI that does not exist */
  UT_E_CONFLICT = -6,   /**< a case id already open on this engine or already stored, or a
                             stale revision (ut_case_fire_if_revision, ut_store_save,
                             ut_store_fire once its retries are used up) */
  UT_E_LIMIT = -7,      /**< JSON larger or deeper than the engine's limits, or rule work beyond
                             the evaluation limits */
  UT_E_RULE = -8,       /**< a KPI calculation or a process route rule failed while it ran (a
                             host KPI calculator reported an error, bad data in a ledger). A gate
                             rule, route, deadline condition or risk scorer that fails while an
                             event is fired refuses the event instead (UT_REFUSED, reason kind
                             "rule_error": fail closed) */
  UT_E_IO = -9,         /**< the file system or the store's database failed or cannot be
                             reached (the message has the database's own words), or the store
                             is locked beyond its busy timeout, read-only, or of a newer schema */
  UT_E_NO_MEMORY = -10, /**< out of memory (std::bad_alloc, also when a host rule or scorer threw
                             it: not a refusal). The case is unchanged, except when only writing
                             ut_case_fire's outcome failed: check the revision */
  UT_E_CLOSED = -11,  /**< the case's engine was closed (ut_engine_close): the case is read-only */
  UT_E_INTERNAL = -12 /**< a bug: an unexpected exception inside the library */
};

/** The stable name of a status: "UT_OK", "UT_E_POLICY", ...; "UT_UNKNOWN" for other values.
 *  Static storage, never NULL, never freed. Thread-safe. */
UT_API const char* ut_status_name(int status);

/** A description of the last status other than UT_OK returned on this thread (or "" when the
 *  last call succeeded). Never NULL. Owned by the library: valid until the next call into the
 *  library on this thread; do not free. Thread-local, so thread-safe. */
UT_API const char* ut_last_error(void);

/** The status the last call on this thread returned when it was not UT_OK (UT_OK after a call
 *  that succeeded). With ut_last_error_kind and ut_last_error_where, the parts of the last error
 *  for a host that handles errors by kind rather than by reading messages (as libgit2's
 *  git_error{klass}). Thread-local, so thread-safe. */
UT_API int ut_last_error_status(void);

/** What kind of error the last call on this thread reported, a stable lower-case name:
 *  "invalid_argument", "invalid_json", "invalid_policy", "invalid_rule", "rule_failed",
 *  "limit_exceeded", "invalid_snapshot", "conflict", "not_found", "io" (the engine's error
 *  kinds), "refused" (UT_REFUSED), "no_memory", "closed", "internal"; "" after success. Static
 *  storage, never NULL, never freed. Thread-local, so thread-safe. */
UT_API const char* ut_last_error_kind(void);

/** Where the last error is: the argument, file and JSON path, event, rule, case or ledger seq it
 *  names ("payload", "rules/gates.json: /gates/contract.sign", "sqlite store F: case C-1 seq 4");
 *  for a refused event the event's name; "" when it names no place or after success. Owned by the
 *  library: valid until the next call into the library on this thread; do not free. */
UT_API const char* ut_last_error_where(void);

/** The library version, "MAJOR.MINOR.PATCH" (compare with UT_VERSION_STRING from the header to
 *  detect a mismatch). Static storage, never NULL, never freed. Thread-safe. */
UT_API const char* ut_version(void);

/** Frees a string (or any buffer) returned by this library. NULL is ignored. Thread-safe. */
UT_API void ut_free(void* p);

/* ---------------------------------------------------------------------------------------------
 * Engines */

typedef struct ut_engine ut_engine;
typedef struct ut_case ut_case;

/** Opens an engine with the built-in default policy (rules/default, compiled in).
 *  *out: a new engine, owned by the caller, closed with ut_engine_close. Thread-safe. */
UT_API int ut_engine_open_default(ut_engine** out);

/** Opens an engine with the policy of `policy_path`: a rules directory (one JSON file per part:
 *  roles.json, gates.json, ...) or a single policy JSON file whose top-level keys are the parts.
 *  Errors: UT_E_NOT_FOUND (no such path), UT_E_POLICY (does not validate), UT_E_INVALID_ARGUMENT.
 *  *out: a new engine owned by the caller. Thread-safe. */
UT_API int ut_engine_open(const char* policy_path, ut_engine** out);

/** Opens an engine with a policy given as one JSON document `{"policy": {...}, "roles": {...},
 *  "gates": {...}, ...}` (see ut_policy_builtin_json for a complete example).
 *  Errors: UT_E_INVALID_JSON, UT_E_LIMIT, UT_E_POLICY. *out: a new engine owned by the caller.
 *  Threads: any. Out: *out owned by the caller (ut_engine_close). */
UT_API int ut_engine_open_json(const char* policy_json, ut_engine** out);

/** Closes an engine. NULL is ignored. Its live cases stay valid (see "Lifetimes"): they become
 *  read-only and must still be freed. Waits for calls in flight on the engine's cases; after it
 *  returns no callback of the engine is called again. The handle must not be used afterwards.
 *  Threads: any, not concurrently with other calls on the same handle. */
UT_API void ut_engine_close(ut_engine* e);

/** Loads a new policy version from a rules directory or policy file. New cases use it; existing
 *  cases keep the version they started with (and snapshots taken under any version this engine
 *  loaded can be restored). Register custom rules first: a policy that references an unknown
 *  named rule does not load (UT_E_POLICY). On error the current policy stays in force.
 *  Thread-safe (cases being created concurrently get the old or the new policy). Out: none. */
UT_API int ut_engine_load_policy(ut_engine* e, const char* policy_path);

/** As ut_engine_load_policy, from a JSON document (same shape as ut_engine_open_json).
 *  Threads: any (as ut_engine_load_policy). Out: none. */
UT_API int ut_engine_load_policy_json(ut_engine* e, const char* policy_json);

/** Reloads the policy from where it was last loaded: the same path read again (rule files edited
 *  by a process owner), the same JSON document, or the built-in policy, with the patches of
 *  ut_engine_load_policy_patch applied again (each gives the version it gave before). The
 *  version it loads replaces the one of that name, as ut_engine_load_policy does (registrations
 *  need no reload: see "Registrations"). Same errors and guarantees as ut_engine_load_policy.
 *  Threads: any. Out: none. */
UT_API int ut_engine_reload(ut_engine* e);

/** Loads the policy last loaded (as ut_engine_reload) with an RFC 7386 JSON merge patch applied
 *  to its document form `{"<part>": <the part's file>, ...}` (ut_policy_builtin_json shows it):
 *  objects merge, anything else (arrays included) replaces, null removes. E.g.
 *  `{"gates": {"gates": {"intake.confirm": {"rules": [...]}}}}` replaces the rules of one gate
 *  (part `gates`, i.e. gates.json, whose key `gates` maps events to gates).
 *  A patch makes a NEW policy version, the engine's current one from then on: the version the
 *  patch names (`{"policy": {"version": "..."}}`), or else the patched version with `+patch.1`
 *  added, or its `+patch.N` counted up (`2026.1` -> `2026.1+patch.1` -> `2026.1+patch.2`),
 *  skipping versions this engine has loaded. The version before stays loaded: cases created
 *  under it keep it, and their snapshots still restore under it (ut_engine_policy_info shows
 *  the new version). The patches, with the versions they gave, become part of the source of
 *  later reloads. Errors: UT_E_INVALID_JSON (not JSON, not an object), UT_E_LIMIT, UT_E_POLICY;
 *  on error nothing changes. Threads: any. Out: none. */
UT_API int ut_engine_load_policy_patch(ut_engine* e, const char* merge_patch_json);

/** The current policy: `{"name", "version", "roles": [...], "events": {"<event>":
 *  {"roles": [...], "gated": bool}}}`.
 *  *info_json: owned by the caller (ut_free). Thread-safe. */
UT_API int ut_engine_policy_info(ut_engine* e, char** info_json);

/** The built-in default policy as one JSON document (the shape ut_engine_open_json reads), to
 *  start a customised policy from. *policy_json: owned by the caller (ut_free). Thread-safe. */
UT_API int ut_policy_builtin_json(char** policy_json);

/** Sets the limits for JSON text this engine (and its cases) reads and accepts: `max_json_bytes`
 *  (default 64 MiB) and `max_json_depth` (nesting of arrays/objects, default 64, from 8 to 1000).
 *  0 keeps a limit unchanged. Snapshots and ledgers larger than the byte limit are refused with
 *  UT_E_LIMIT, and so an event that would make a case's snapshot larger is refused (UT_REFUSED,
 *  kind `limit`). Errors: UT_E_INVALID_ARGUMENT (a depth out of range). Thread-safe; applies to
 *  calls that start afterwards, on every case of the engine. Out: none. */
UT_API int ut_engine_set_limits(ut_engine* e, size_t max_json_bytes, unsigned max_json_depth);

/** Sets the bounds on rule evaluation for the gate rules, process routes and deadline conditions
 *  of the cases this engine creates, restores or replays from now on (cases already open keep
 *  theirs): `max_depth` (nesting of a rule and its iterator scopes, default 512; rules are
 *  compiled with at most 512 levels when the policy loads, so more has no effect), `max_steps`
 *  (nodes evaluated, every iteration counted, default 10,000,000) and `max_items` (elements of an
 *  array a rule builds, default 1,000,000). 0 keeps a limit unchanged. An event whose rule needs
 *  more is refused (UT_REFUSED, reason kind "rule_error" naming the rule: fail closed), also when
 *  a ledger is replayed (a format 1/2 snapshot, ut_case_replay, ut_case_verify), so such a
 *  case accepted under higher limits may not replay under lower ones (UT_E_SNAPSHOT); a format-3
 *  snapshot restores from its state and runs no rule. Errors: UT_E_INVALID_ARGUMENT (not an
 * engine). Thread-safe. Out: none. */
UT_API int ut_engine_set_rule_limits(ut_engine* e, size_t max_depth, uint64_t max_steps,
                                     size_t max_items);

/** The limits, by id, for ut_engine_limit and ut_engine_options. */
enum {
  UT_LIMIT_JSON_BYTES = 0, /**< bytes of one JSON text, and of a case's snapshot (64 MiB) */
  UT_LIMIT_JSON_DEPTH = 1, /**< nesting of one JSON text (64; 8 to 1000) */
  UT_LIMIT_ID_BYTES = 2,   /**< bytes of an identifier: case id, actor id, role, name (4096) */
  UT_LIMIT_RULE_DEPTH = 3, /**< nesting of a rule and its iterator scopes (512) */
  UT_LIMIT_RULE_STEPS = 4, /**< rule nodes evaluated for one decision (10,000,000) */
  UT_LIMIT_RULE_ITEMS = 5  /**< elements of an array a rule builds (1,000,000) */
};

/** Reads one limit of the engine and, when `new_value` >= 0, sets it, as sqlite3_limit does:
 *  returns the value the limit had before the call. The same limits as ut_engine_set_limits and
 *  ut_engine_set_rule_limits, and the same effect (calls that start afterwards; rule limits for
 *  cases opened afterwards). Returns -1, with ut_last_error_* set and nothing changed, when `e`
 *  is not an engine (UT_E_INVALID_ARGUMENT), `limit_id` is not a UT_LIMIT_* (UT_E_INVALID_ARGUMENT)
 *  or `new_value` is out of the limit's range (UT_E_INVALID_ARGUMENT, naming the range; a value
 *  is never clamped). Thread-safe. */
UT_API int64_t ut_engine_limit(ut_engine* e, int limit_id, int64_t new_value);

/** The version of ut_engine_options this header describes: set `version` to it (or use
 *  UT_ENGINE_OPTIONS_INIT / ut_engine_options_init) so that a newer library reads the struct as
 *  this header wrote it. Fields are only ever added at the end. */
#define UT_ENGINE_OPTIONS_VERSION 1

/** How to open an engine, all in one place (libgit2's versioned option structs). */
typedef struct ut_engine_options {
  unsigned int version; /**< UT_ENGINE_OPTIONS_VERSION */
  /** The policy: a rules directory or policy file (`policy_path`), or a policy document
   *  (`policy_json`, the shape ut_engine_open_json reads), or neither: the built-in policy. */
  const char* policy_path;
  const char* policy_json;
  /** A host key to seal cases with (ut_engine_set_host_key), or NULL. Copied by the library. */
  const void* host_key;
  size_t host_key_size;
  /** A value per UT_LIMIT_* id (indexed by it); 0 keeps the default. Checked as ut_engine_limit
   *  checks them, before the policy is read (policy_json is read with these limits). */
  int64_t limits[6];
} ut_engine_options;

/** ut_engine_options with the version set and everything else at its default. */
#define UT_ENGINE_OPTIONS_INIT                        \
  {                                                   \
    UT_ENGINE_OPTIONS_VERSION, NULL, NULL, NULL, 0, { \
      0, 0, 0, 0, 0, 0                                \
    }                                                 \
  }

/** Fills `*options` as UT_ENGINE_OPTIONS_INIT does, for hosts that cannot use the macro (other
 *  languages' FFIs). `version` must be UT_ENGINE_OPTIONS_VERSION. Errors: UT_E_INVALID_ARGUMENT
 *  (NULL, or a version this library does not know). Thread-safe. */
UT_API int ut_engine_options_init(ut_engine_options* options, unsigned int version);

/** Opens an engine as `options` say (NULL: as ut_engine_open_default). Everything is checked
 *  before the engine exists: on any error *out is NULL and nothing is left open. Errors:
 *  UT_E_INVALID_ARGUMENT (a version newer than this library, both policy_path and policy_json, a
 *  limit out of range, a key of size 0), and those of ut_engine_open / ut_engine_open_json.
 *  *out: owned by the caller (ut_engine_close). Thread-safe. */
UT_API int ut_engine_open_with(const ut_engine_options* options, ut_engine** out);

/* ---------------------------------------------------------------------------------------------
 * Custom rules written by the host (design.md §3 "pluggable" (c))
 *
 * A gate in the policy references a named rule instead of a JsonLogic condition:
 *   {"id": "credit-ok", "rule": "credit_check", "message": "customer over credit limit"}
 * The host registers `credit_check` with ut_engine_register_rule, then loads (or patches) the
 * policy that references it: a policy that names a rule no one registered does not load.
 *
 * Registrations (ut_engine_register_rule, ut_engine_register_kpi) all take effect the same way:
 * - at once: the engine recompiles its current policy with the new callback, under the same
 *   version (a version names the policy's data, not the host's code), so no reload is needed;
 * - cases created, restored or replayed from then on use it (and so do KPI reports, which read
 *   the current policy); cases already open keep what they were created with, and so do policy
 *   versions loaded before the current one;
 * - every policy loaded later (ut_engine_load_policy*, ut_engine_reload, a patch) has it too;
 * - registering a name again replaces the earlier registration (callback and KPI definition);
 * - user_data must stay valid until ut_engine_close returns (open cases may still call a rule);
 * - thread-safe: registrations, policy loads and patches are serialised by one lock, while
 *   cases go on being created and fired on other threads;
 * - on error nothing is registered. */

/** What a rule callback answers through: set a message (why it failed) and details (kept in the
 *  outcome's trace). Valid only during the callback; owned by the library. */
typedef struct ut_verdict ut_verdict;

/** Sets the failure message (copied; UTF-8). Without one, the rule's `message` from the policy is
 *  used. Returns UT_E_INVALID_ARGUMENT for NULL or invalid UTF-8.
 *  Threads: the callback's. The text is copied; the caller keeps its own. */
UT_API int ut_verdict_set_message(ut_verdict* v, const char* message);

/** Sets details, a JSON value kept in the trace (copied). UT_E_INVALID_JSON when not JSON.
 *  Threads: the callback's. The text is copied; the caller keeps its own. */
UT_API int ut_verdict_set_details(ut_verdict* v, const char* details_json);

enum {
  UT_RULE_FAIL = 0, /**< the rule does not hold: the event is refused (or warned, or needs an
                         override: the rule's severity in the policy decides) */
  UT_RULE_PASS = 1  /**< the rule holds */
};

/** A custom rule.
 *  - user_data: as registered.
 *  - facts_json: the case's facts (the object JsonLogic conditions read: `data`, `payload`,
 *    `actor`, `event`, `state`, `risk`, `contract`, ...). Borrowed: valid during the call.
 *  - event: the event being decided, e.g. "contract.sign". Borrowed.
 *  - actor_json: `{"id": "...", "roles": [...]}`. Borrowed.
 *  - verdict: out parameter for a message and details (ut_verdict_set_message/_details).
 *  Returns UT_RULE_PASS, UT_RULE_FAIL, or any negative value for "could not evaluate": the rule
 *  then fails closed (the event is refused) and the verdict's message is shown as the error.
 *  Must be deterministic (same facts, same answer: cases are rebuilt by replaying their ledger)
 *  and thread-safe when the engine is shared by threads. Must not call ut_case_fire on the case
 *  being decided. */
typedef int (*ut_rule_fn)(void* user_data, const char* facts_json, const char* event,
                          const char* actor_json, ut_verdict* verdict);

/** Registers (or replaces) a named custom rule; takes effect as "Registrations" above says (at
 *  once, for the cases opened from then on and every policy loaded later). `name`: non-empty
 *  UTF-8. Errors: UT_E_INVALID_ARGUMENT (NULL name or callback). Thread-safe.
 *  Out: none; user_data stays the caller's (valid until ut_engine_close returns). */
UT_API int ut_engine_register_rule(ut_engine* e, const char* name, ut_rule_fn fn, void* user_data);

/* ---------------------------------------------------------------------------------------------
 * Listener: notifications (policy §二(三)2 contract copies to departments, §五 communication) */

/** Called after every ut_case_fire on any case of the engine, accepted or refused (not for
 *  events replayed by ut_case_restore / ut_case_replay), on the firing thread, after the case has
 *  changed. `accepted` is 1 or 0; `outcome_json` is the outcome ut_case_fire returns. All strings
 *  are borrowed (valid during the call). The listener may read any case (ut_case_state, ...) but
 *  must not fire events on or free the case being fired. Its return value is ignored: the event
 *  stands whatever the listener does. */
typedef void (*ut_listener_fn)(void* user_data, const char* case_id, const char* event,
                               int accepted, const char* outcome_json);

/** Sets the engine's listener (fn NULL removes it). It waits for ut_case_fire calls in flight on
 *  other threads, so the previous listener is never called once this returns (when called from
 *  inside a callback of the engine it cannot wait: calls in flight elsewhere may still use the
 *  previous one). user_data must stay valid while the listener is set. Thread-safe.
 *  Out: none; user_data stays the caller's. */
UT_API int ut_engine_set_listener(ut_engine* e, ut_listener_fn fn, void* user_data);

/* ---------------------------------------------------------------------------------------------
 * Cases */

/** Creates a case in `Intake.Registered` with the requirement form `data_json` (an object:
 *  customer, product, spec, quantity, delivery_date, quality_requirements, channel,
 *  estimated_amount; design.md §2). `case_id`: an identifier (non-empty UTF-8, at most 4096
 *  bytes, no control character), unique among the cases open on this engine (UT_E_CONFLICT
 *  otherwise). Errors: UT_E_INVALID_ARGUMENT (bad id or form),
 *  UT_E_INVALID_JSON, UT_E_LIMIT. *out: a new case, owned by the caller (ut_case_free).
 *  Thread-safe (on a shared engine). */
UT_API int ut_case_create(ut_engine* e, const char* case_id, const char* data_json, ut_case** out);

/** Restores a case from a snapshot (ut_case_snapshot) taken by this or an earlier process, under
 *  the policy version the snapshot names (which this engine must have loaded). A snapshot of
 *  format 3 is rebuilt from its state without replaying the ledger (no rule is called): its
 *  digest must match its content and a ledger travelling with it must follow its hash chain.
 *  Formats 1 and 2 are replayed (custom rules are called; the listener is not) and checked
 *  against the state and record they hold. Errors: UT_E_SNAPSHOT (damaged, edited, sealed under
 *  another host key, unknown policy version: the message names the JSON path), UT_E_INVALID_JSON,
 *  UT_E_LIMIT, UT_E_CONFLICT (the case id is already open on this engine). *out: a new case owned
 *  by the caller. Thread-safe. */
UT_API int ut_case_restore(ut_engine* e, const char* snapshot_json, ut_case** out);

/** Rebuilds a case from its ledger (ut_case_ledger: `{case_id, policy_version, data, ledger}`).
 *  Same errors and ownership as ut_case_restore.
 *  Threads: any (on a shared engine). Out: *out owned by the caller (ut_case_free). */
UT_API int ut_case_replay(ut_engine* e, const char* ledger_json, ut_case** out);

/** The live case with that id opened on this engine (created or restored, not yet freed).
 *  *out is BORROWED: the same handle ut_case_create/restore returned; do not free it twice.
 *  UT_E_NOT_FOUND for an unknown id. Thread-safe (but the case itself is used by one thread at a
 *  time: the host must know no other thread uses it). */
UT_API int ut_engine_find_case(ut_engine* e, const char* case_id, ut_case** out);

/** Frees a case. NULL is ignored. Its id may then be opened again on the engine. The handle must
 *  not be used afterwards. Safe after ut_engine_close.
 *  Threads: the thread using the case; not while another call on it runs. */
UT_API void ut_case_free(ut_case* c);

/** Fires an event.
 *  - event: `stage.action` (design.md §2), e.g. "contract.sign".
 *  - actor_json: `{"id": "li", "roles": ["sales"]}` (the host authenticates; the engine checks
 *    roles). Text that is not JSON is UT_E_INVALID_JSON; JSON that is not an actor (not an
 *    object, no non-empty string `id`, `roles` not an array of strings) is UT_E_INVALID_ARGUMENT
 *    naming the field (`actor.id`, `actor.roles[0]`); an actor whose roles (none, unknown or
 *    forged) do not permit the event is UT_REFUSED with a reason of kind "role".
 *  - payload_json: a JSON object, or NULL / "" for `{}`. A number too large for a double (1e400,
 *    which would read as infinity) is UT_E_INVALID_JSON naming its place (`payload:1:11: /notes`).
 *  - at_iso8601: when it happened (required; not earlier than the case's last event).
 *  - outcome_json: may be NULL (no outcome wanted). Otherwise receives, for UT_OK and UT_REFUSED,
 *    `{"accepted": bool, "event", "seq" (accepted only), "state": [...], "reasons": [{kind,
 *    message, rule}], "warnings": [...], "trace": {"verdict", "rules": [...]}, "case_id",
 *    "revision"}`, owned by the caller (ut_free); NULL on errors. A reason's kind is one of
 *    "unknown_event", "invalid_payload" (also a number the record would compute that JSON cannot
 *    hold, e.g. a margin of -Infinity: the message names the field), "role", "state", "gate",
 *    "segregation", "approval", "time", "rule_error" (a gate rule, route, deadline condition or
 *    risk scorer could not be evaluated or a host callback failed; `rule` names it).
 *  Returns UT_OK (accepted), UT_REFUSED (nothing changed; ut_last_error() also holds a summary
 *  of the reasons), or an error: UT_E_INVALID_ARGUMENT (NULL, invalid UTF-8, bad actor or time),
 *  UT_E_INVALID_JSON, UT_E_LIMIT, UT_E_CLOSED, UT_E_NO_MEMORY. Atomic: a refused or failing
 *  event changes nothing. One thread at a time per case. */
UT_API int ut_case_fire(ut_case* c, const char* event, const char* actor_json,
                        const char* payload_json, const char* at_iso8601, char** outcome_json);

/** ut_case_fire with optimistic concurrency: UT_E_CONFLICT (nothing fired) unless the case's
 *  revision is `expected_revision` (e.g. the revision the host stored with its snapshot).
 *  Threads: one at a time per case. Out: as ut_case_fire. */
UT_API int ut_case_fire_if_revision(ut_case* c, uint64_t expected_revision, const char* event,
                                    const char* actor_json, const char* payload_json,
                                    const char* at_iso8601, char** outcome_json);

/** Where the case stands: `{"case_id", "stage": "Contract", "state": ["Contract.Drafting"],
 *  "revision": 9, "policy_version": "..."}`. *state_json owned by the caller.
 *  Threads: one at a time per case. */
UT_API int ut_case_state(ut_case* c, char** state_json);

/** The case's id. *case_id owned by the caller (ut_free). Threads: one at a time per case. */
UT_API int ut_case_id(ut_case* c, char** case_id);

/** The revision: the number of ledger entries; it grows with every accepted event. A host that
 *  stored revision N and finds another number knows its copy is stale.
 *  Threads: one at a time per case. Out: *revision (a value). */
UT_API int ut_case_revision(ut_case* c, uint64_t* revision);

/** A versioned JSON snapshot of the whole case (format "undertake.snapshot", version 3: its state,
 *  the head of its hash-chained ledger, a digest, and the ledger when the case holds all of it),
 *  for the host's database; ut_case_restore turns it back into a case without replaying the
 *  ledger. *snapshot_json owned by caller. Threads: one at a time per case. */
UT_API int ut_case_snapshot(ut_case* c, char** snapshot_json);

/** The events `actor_json` may fire now (permitted by role and accepted by the current state):
 *  `[{"event": "contract.sign", "gated": true}, ...]` — the buttons of an ERP screen. `gated`
 *  events still check their gate rules when fired. *events_json owned by the caller.
 *  Threads: one at a time per case. */
UT_API int ut_case_available(ut_case* c, const char* actor_json, char** events_json);

/** The case's ledger: `{"case_id", "policy_version", "data", "ledger": [{seq, at, event, actor,
 *  payload, state, hash}, ...]}` — what KPIs read (ut_engine_kpi) and ut_case_replay rebuilds
 *  from. UT_E_INVALID_ARGUMENT for a case restored from its head (ut_case_head), which does not
 *  hold its whole ledger (ut_case_entries gives what it holds; ut_case_restore_entries restores
 *  it with every entry). *ledger_json owned by the caller. Threads: one at a time per case. */
UT_API int ut_case_ledger(ut_case* c, char** ledger_json);

/** The case's record: the facts rules read (`data`, `evaluation`, `risk`, `contract`,
 *  `production`, ...). *record_json owned by the caller. Threads: one at a time per case. */
UT_API int ut_case_record(ut_case* c, char** record_json);

/** The case's risk assessment (design.md §5), the record's `risk` object: `{"index" (0–100),
 *  "level" ("none", "low", ... "critical"), "categories": {"market": 12, ...}, "open",
 *  "critical", "unmitigated_high", "risks": [{id, category, status, score, level, response,
 *  owner}], ...}`. *risk_json owned by the caller. Threads: one at a time per case. */
UT_API int ut_case_risk(ut_case* c, char** risk_json);

/* ---------------------------------------------------------------------------------------------
 * Cases in the host's own database: a head and its ledger entries (design.md §9)
 *
 * A host that keeps cases in a database the engine does not know stores what ut_store_* stores:
 * one row per case holding its head (the snapshot without the ledger, updated in place) and an
 * append-only table of ledger entries, one row per entry keyed by (case id, seq). A save then
 * writes what changed (the new head and the entries after the revision it read) instead of the
 * whole history, and a load restores the head alone (ut_case_restore) in time independent of the
 * ledger's length. The entries come back together with the head when the rows are to be checked
 * (ut_case_restore_entries: the hash chain) or audited (ut_case_verify_entries: a full replay). */

/** The case's head: its snapshot (as ut_case_snapshot) without the ledger — state, record, risk
 *  register, deadlines, `revision`, `ledger_head` ({seq, hash, at} of the last entry) and the
 *  digest sealing them. ut_case_restore restores it without the ledger; the case then holds
 *  (and ut_case_entries gives) the entries it adds from that revision on. *head_json owned by
 *  the caller (ut_free). Errors: UT_E_INVALID_ARGUMENT (NULL), UT_E_NO_MEMORY.
 *  Threads: one at a time per case. */
UT_API int ut_case_head(ut_case* c, char** head_json);

/** The sealed ledger entries after revision `after_seq` (0: all of them), oldest first:
 *  `[{"seq", "at", "event", "actor", "payload", "state", "hash", "kind"?: "escalation"}]` —
 *  one row each for the host's append-only table, never changed once written. `hash` (64
 *  hexadecimal digits) links each entry to the one before it; the head's `ledger_head.hash` is
 *  the last one's. A host that read revision N and fired writes ut_case_entries(c, N) and the
 *  new head in one transaction. Errors: UT_E_INVALID_ARGUMENT (NULL; `after_seq` beyond the
 *  case's revision; or before the revision the case was restored at from a head, whose earlier
 *  entries it does not hold: the message says from where it holds them), UT_E_NO_MEMORY.
 *  *entries_json owned by the caller (ut_free). Threads: one at a time per case. */
UT_API int ut_case_entries(ut_case* c, uint64_t after_seq, char** entries_json);

/** Restores a case from its head (ut_case_head) and every entry of its ledger (the rows
 *  ut_case_entries gave, seq 1 to the head's, in order), checking the rows: the head's digest,
 *  and the entries' hash chain from the case's creation to the head's ledger_head. The case
 *  then holds its whole ledger (ut_case_ledger, ut_case_snapshot with the ledger, ut_engine_kpi).
 *  No rule is called. Errors: UT_E_SNAPSHOT (a damaged or edited head or row, a missing or extra
 *  row, rows sealed under another host key: the message names the JSON path, the entries as
 *  `/ledger/<index>` with index 0 the entry of seq 1), UT_E_INVALID_ARGUMENT (NULL, a head that
 *  holds a ledger already), UT_E_INVALID_JSON (head_json not an object, entries_json not an
 *  array), UT_E_LIMIT (the head and entries together beyond the engine's limits), UT_E_CONFLICT
 *  (the case id is open on this engine). *out: a new case owned by the caller (ut_case_free).
 *  Thread-safe. */
UT_API int ut_case_restore_entries(ut_engine* e, const char* head_json, const char* entries_json,
                                   ut_case** out);

/** The audit of a case kept as a head and its entries: ut_case_verify of the snapshot they make
 *  together (digest, hash chain, a full replay compared with the head). *report_json: `{case_id,
 *  revision, ok, problems: [{where, why}]}` (`where` names an entry as `/ledger/<index>`); UT_OK
 *  whatever it finds. Errors: UT_E_INVALID_ARGUMENT, UT_E_INVALID_JSON and UT_E_LIMIT as
 *  ut_case_restore_entries, UT_E_SNAPSHOT only for a head it cannot read at all. *report_json
 *  owned by the caller. Thread-safe (the replay calls the engine's custom rules). */
UT_API int ut_case_verify_entries(ut_engine* e, const char* head_json, const char* entries_json,
                                  char** report_json);

/* ---------------------------------------------------------------------------------------------
 * Deadlines and escalation (rules/…/deadlines.json) */

/** The case's pending deadlines, earliest due first: `[{"id", "key", "description", "started_at",
 *  "started_seq", "due", "warn_from", "waiting_for": [events], "escalate_to": [roles],
 *  "escalations", "last_escalated", "next_escalation"}]` (null where absent).
 *  *deadlines_json owned by the caller. One thread at a time per case. */
UT_API int ut_case_deadlines(ut_case* c, char** deadlines_json);

/** Checks the case's deadlines at `now_iso8601` (a host timer calls it, e.g. hourly): records an
 *  escalation ledger entry for each deadline whose escalation time has come (the revision grows:
 *  save the snapshot again), tells the listener (event "deadline.escalated"), and returns
 *  `{"case_id", "now", "escalated", "items": [{"status": "due_soon" | "overdue", "hours_left",
 *  "escalation_seq", "deadline"}]}`. result_json may be NULL; otherwise owned by the caller.
 *  Errors: UT_E_INVALID_ARGUMENT (bad time, or earlier than the case's last entry), UT_E_CLOSED.
 *  One thread at a time per case. */
UT_API int ut_case_tick(ut_case* c, const char* now_iso8601, char** result_json);

/* ---------------------------------------------------------------------------------------------
 * KPIs (design.md §6, policy §四) */

/** A KPI calculated by the host.
 *  - ledgers_json: a JSON array of the cases' ledgers (as ut_case_ledger), borrowed.
 *  - period_json: `{"from": "2026-01-01", "to": "2026-03-31", "until": "2026-04-01T00:00:00Z"}`
 *    (an entry counts when from <= at < until), borrowed.
 *  - value / has_value: set *value and *has_value = 1; leave *has_value = 0 for "no data in the
 *    period" (reported as null, never 0).
 *  Returns 0, or a negative value for an error (ut_engine_kpi then fails with UT_E_RULE).
 *  Must be thread-safe when the engine is shared by threads. */
typedef int (*ut_kpi_fn)(void* user_data, const char* ledgers_json, const char* period_json,
                         double* value, int* has_value);

/** Registers (or replaces, built-ins included) the calculator of KPI `kpi_id` (e.g.
 *  "sales.repeat_customers"); takes effect as "Registrations" above says (at once: the next
 *  ut_engine_kpi reports it; every policy loaded later has it too). `definition_json` may be
 *  NULL, or `{"title", "department", "unit", "direction": "higher" | "lower", "target": number
 *  | null}` (a KPI with no target gets no score; one the policy's kpi.json already defines keeps
 *  that definition but for the fields given here; it counts in its department's score when
 *  kpi.json weights it). Errors: UT_E_INVALID_ARGUMENT (NULL id or callback, a bad field),
 *  UT_E_INVALID_JSON (a definition that is not a JSON object). Thread-safe.
 *  Out: none; user_data stays the caller's (valid until ut_engine_close returns). */
UT_API int ut_engine_register_kpi(ut_engine* e, const char* kpi_id, const char* definition_json,
                                  ut_kpi_fn fn, void* user_data);

/** Computes the KPI report of the current policy's catalogue (kpi.json) over case ledgers.
 *  - ledgers_json: an array of ledgers (ut_case_ledger) and/or snapshots (ut_case_snapshot), or
 *    `{"cases": [...]}`.
 *  - period_json: `{"from": "2026-01-01", "to": "2026-03-31"}` (dates, both inclusive), optional
 *    `"skip_bad_cases": true` to list bad cases under "excluded" instead of failing.
 *  - *report_json (owned by the caller): `{"period", "cases", "kpis": {"sales.revenue": {title,
 *    department, unit, direction, value, target, score}}, "departments": {"sales": {title,
 *    score, bonus_coefficient, weights}}, "excluded": [...]}` (null where there is no data).
 *  Errors: UT_E_INVALID_JSON, UT_E_INVALID_ARGUMENT (bad period), UT_E_RULE (bad data, a failing
 *  calculator), UT_E_NOT_FOUND (a KPI the policy marks external that no one registered),
 * UT_E_LIMIT. Thread-safe. */
UT_API int ut_engine_kpi(ut_engine* e, const char* ledgers_json, const char* period_json,
                         char** report_json);

/** The per-person scorecard (policy §四(二)2, include/undertake/people.hpp) of the current
 *  policy (kpi.json `people`: measures, targets, weights, min_data_points) over case ledgers,
 *  which are replayed through the engine (deadline timeliness is the engine's own).
 *  - ledgers_json, period_json: as for ut_engine_kpi (skip_bad_cases is not used).
 *  - *report_json (owned by the caller): `{"period", "cases", "min_data_points", "people": [{id,
 *    roles, events_by_role, escalated_steps, measures: {"deadline_timeliness": {value,
 *    data_points, score, weight, status}}, score, ranked}], "departments": [{id, ranking: [{rank,
 *    person, score}], not_ranked}]}`; status is scored, unscored, too_few_data or no_data.
 *  Errors: UT_E_INVALID_JSON, UT_E_INVALID_ARGUMENT (bad period, a ledger the engine refuses),
 *  UT_E_LIMIT. Thread-safe. */
UT_API int ut_engine_kpi_people(ut_engine* e, const char* ledgers_json, const char* period_json,
                                char** report_json);

/** The quality report (policy §二(七)2, §三(五)4, include/undertake/quality.hpp) over case ledgers
 *  for a period: inspections and pass rates per product and month, the Pareto of defect causes
 *  (inspection `defects` and complaint root causes) with cumulative share and repeat causes
 *  flagged, rectifications and their cost, complaints by severity and root cause.
 *  - ledgers_json, period_json: as for ut_engine_kpi (skip_bad_cases is not used).
 *  - *report_json (owned by the caller): `{"period", "cases", "inspections": {total, by_product,
 *    by_month}, "defects": [{cause, count, share, cumulative_share, occurrences, sources, cases,
 *    repeat}], "repeat_causes", "rectifications": {count, cost, reworked_quantity, by_product},
 *    "complaints": {count, by_severity, by_root_cause}}`.
 *  Errors: UT_E_INVALID_JSON, UT_E_INVALID_ARGUMENT (bad period, bad defects), UT_E_LIMIT.
 *  Thread-safe. */
UT_API int ut_engine_quality(ut_engine* e, const char* ledgers_json, const char* period_json,
                             char** report_json);

/* ---------------------------------------------------------------------------------------------
 * Stores: where cases live between requests (design.md §9)
 *
 * An ERP host loads a case per request from a database shared by its app servers, fires, saves.
 * A store does that in one call (ut_store_fire) with the revision checked, keeps a worklist index
 * (ut_store_inbox) and a change feed (ut_store_changes), and restores cases from their state
 * without replaying their ledger.
 *
 * Threads: a store handle may be shared by threads (its calls are serialised inside); several
 * handles, processes or machines may open the same database. A store never calls back into the
 * host except through the engine passed to a call (its custom rules and listener). */

typedef struct ut_store ut_store;

/** Opens a store: "sqlite:PATH" or a plain PATH (the embedded SQLite store, created when missing,
 *  migrated when an older version wrote it). Parameters after "sqlite:PATH?", joined by "&":
 *  "mode=ro" (read-only: it must exist, every write fails with UT_E_IO), "mode=rw" (writable, not
 *  created), "synchronous=full" (default: a commit survives a power cut), "normal" (survives a
 *  crash of the process; several times faster) or "off" (throw-away stores). Errors:
 *  UT_E_INVALID_ARGUMENT (NULL, empty, unknown kind of URI or parameter), UT_E_IO (cannot open,
 *  not a store, newer schema: the message names the file).
 *  *out: a new store owned by the caller (ut_store_close). Thread-safe. */
UT_API int ut_store_open(const char* uri, ut_store** out);

/** Closes a store. NULL is ignored. Threads: not concurrently with other calls on the handle. */
UT_API void ut_store_close(ut_store* s);

/** Stores a new case (ut_case_create): its head and ledger, one transaction. UT_E_CONFLICT when
 *  a case with that id is already stored. Threads: one at a time per case. Out: none. */
UT_API int ut_store_create(ut_store* s, ut_case* c);

/** Loads a stored case onto engine `e` (from its head: no replay). *out: a new case owned by the
 *  caller (ut_case_free), not registered as open on the engine (ut_engine_find_case does not
 *  see it; the same id may be loaded more than once, e.g. by several threads). Errors:
 *  UT_E_NOT_FOUND, UT_E_SNAPSHOT (a damaged or edited head), UT_E_IO. Thread-safe. */
UT_API int ut_store_load(ut_store* s, ut_engine* e, const char* case_id, ut_case** out);

/** Saves what `c` added since it was loaded at `expected_revision`, one transaction.
 *  UT_E_CONFLICT (someone saved it in between: nothing written; load it again), UT_E_NOT_FOUND,
 *  UT_E_INVALID_ARGUMENT (the case is before that revision). Threads: one at a time per case. */
UT_API int ut_store_save(ut_store* s, ut_case* c, uint64_t expected_revision);

/** Loads the case, fires the event, saves it when accepted — with the revision checked, and a
 *  conflict retried on a fresh load (at most 3 attempts; "attempts" in the outcome says how many
 *  it took). `request_id` (NULL or "": none) makes the fire idempotent: a repeat of a request id
 *  on the same case gets the first outcome back ("repeated": true) and fires nothing.
 *  *outcome_json (may be NULL): as ut_case_fire's, plus "attempts", "repeated" and "request_id".
 *  The engine's listener hears the fire as it hears ut_case_fire's (a repeat is not heard).
 *  Returns UT_OK (accepted), UT_REFUSED (nothing changed), UT_E_CONFLICT (retries used up:
 *  nothing stored), UT_E_NOT_FOUND, UT_E_SNAPSHOT, UT_E_IO and ut_case_fire's errors.
 *  Thread-safe (concurrent fires on one case are serialised by the revision check). */
UT_API int ut_store_fire(ut_store* s, ut_engine* e, const char* case_id, const char* event,
                         const char* actor_json, const char* payload_json, const char* at_iso8601,
                         const char* request_id, char** outcome_json);

/** Summaries of the stored cases: filter_json NULL, "" or `{"stage"?, "open"?: bool,
 *  "attention_by"?: time, "updated_since"?: time, "limit"?: n}` (another key is refused:
 *  UT_E_INVALID_ARGUMENT). *cases_json: `[{case_id, policy_version, revision, stage, state,
 *  terminated, customer, updated, attention, due}]` in case id order, owned by the caller.
 *  Thread-safe. */
UT_API int ut_store_list(ut_store* s, const char* filter_json, char** cases_json);

/** The worklist of an actor (`{"id", "roles"}`): the stored cases in which one of its roles may
 *  fire an event now, with those events (`gated`: gate rules are checked when fired), answered from
 *  an index maintained at save. *items_json: `{"items": [{case_id, stage, state, customer,
 *  revision, updated, due, ..., "events": [{event, gated}]}], "next": null}`, at most 100 cases
 *  (ut_store_inbox_query pages and filters). `e` indexes cases saved before the store had a
 *  worklist (migrated stores). Thread-safe. */
UT_API int ut_store_inbox(ut_store* s, ut_engine* e, const char* actor_json, char** items_json);

/** ut_store_inbox with a query `{"actor", "stage"?, "customer"?, "due_by"?: time, "after"?: case
 *  id, "limit"?: 1..1000}`; "next" is the "after" of the next page (null on the last).
 *  Thread-safe. */
UT_API int ut_store_inbox_query(ut_store* s, ut_engine* e, const char* query_json,
                                char** items_json);

/** A stored case's ledger: `{case_id, policy_version, data, ledger: [entries with hash]}`.
 *  UT_E_NOT_FOUND when it is not stored. Thread-safe. */
UT_API int ut_store_ledger(ut_store* s, const char* case_id, char** ledger_json);

/** The change feed: at most `limit` (1..10000) changes after position `after` (0: from the
 *  start): `[{position, case_id, entry}]` in commit order — every accepted event and escalation
 *  exactly once. A consumer stores the last position it handled. Thread-safe. */
UT_API int ut_store_changes(ut_store* s, uint64_t after, size_t limit, char** changes_json);

/** Ticks every stored case whose deadlines need attention at `now_iso8601`: records and saves
 *  escalations (each once, also with several tickers), then tells e's listener. *report_json
 *  (may be NULL): `{now, cases_checked, escalated, cases: [...], failures: [{case_id, error}]}`.
 *  Thread-safe. */
UT_API int ut_store_tick(ut_store* s, ut_engine* e, const char* now_iso8601, char** report_json);

/** The KPI report (as ut_engine_kpi) over every stored case: period_json `{"from", "to",
 *  "skip_bad_cases"?}`. Each ledger is checked against its hash chain first (UT_E_SNAPSHOT
 *  names the case and seq). Thread-safe. */
UT_API int ut_store_kpi(ut_store* s, ut_engine* e, const char* period_json, char** report_json);

/** The audit of a stored case: its head and ledger checked by full replay (ut_case_verify).
 *  *report_json: `{case_id, revision, ok, problems: [{where, why}]}`; UT_OK even when problems
 *  are found (read "ok"). UT_E_NOT_FOUND when it is not stored. Thread-safe. */
UT_API int ut_store_verify(ut_store* s, ut_engine* e, const char* case_id, char** report_json);

/** The audit of a snapshot holding its ledger (ut_case_snapshot): digest, hash chain and a full
 *  replay compared with what the snapshot says. *report_json: `{case_id, revision, ok, problems:
 *  [{where, why}]}` (UT_OK whatever it finds; UT_E_SNAPSHOT only when the snapshot cannot be read
 *  at all). Thread-safe. */
UT_API int ut_case_verify(ut_engine* e, const char* snapshot_json, char** report_json);

/** Seals cases created, restored or loaded from now on with HMAC-SHA-256 under `key` (`key_size`
 *  bytes, not empty) instead of plain SHA-256: an edited stored case re-hashed without the key is
 *  refused. Every engine sharing a store must use the same key. Thread-safe. Out: none; the key
 *  is copied. */
UT_API int ut_engine_set_host_key(ut_engine* e, const void* key, size_t key_size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* UNDERTAKE_UNDERTAKE_H */
