'use strict';
// Loading libundertake_c with koffi and declaring the C API (include/undertake/undertake.h).
//
// The library is found, in order: the file (or directory) named by UNDERTAKE_LIBRARY; a copy in
// this package (lib/ or the package root); the system's library path (the dynamic loader's
// search: LD_LIBRARY_PATH, ldconfig, ...).

const fs = require('fs');
const path = require('path');
const koffi = require('koffi');

const NAMES =
  process.platform === 'win32'
    ? ['undertake_c.dll', 'libundertake_c.dll']
    : process.platform === 'darwin'
      ? ['libundertake_c.dylib', 'libundertake_c.0.dylib']
      : ['libundertake_c.so', 'libundertake_c.so.0'];

function candidates() {
  const env = process.env.UNDERTAKE_LIBRARY;
  if (env) {
    if (fs.existsSync(env) && fs.statSync(env).isDirectory()) {
      const inside = NAMES.map((n) => path.join(env, n)).filter((p) => fs.existsSync(p));
      return inside.length ? inside : [path.join(env, NAMES[0])];
    }
    return [env];
  }
  const local = [__dirname, path.dirname(__dirname)]
    .flatMap((d) => NAMES.map((n) => path.join(d, n)))
    .filter((p) => fs.existsSync(p));
  return local.length ? local : NAMES;
}

let api = null;

function load() {
  if (api) return api;
  const errors = [];
  let lib = null;
  let loadedFrom = null;
  for (const candidate of candidates()) {
    try {
      lib = koffi.load(candidate);
      loadedFrom = candidate;
      break;
    } catch (e) {
      errors.push(`${candidate}: ${e.message}`);
    }
  }
  if (!lib) {
    throw new Error(
      'cannot load the undertake C library (libundertake_c); set UNDERTAKE_LIBRARY to its ' +
        'path, put it in this package, or install it on the system library path. Tried: ' +
        errors.join('; '),
    );
  }

  // Callback types. Incoming strings are borrowed: koffi copies them into JS strings.
  const RuleFn = koffi.proto(
    'int ut_rule_fn(void *user_data, const char *facts_json, const char *event, ' +
      'const char *actor_json, void *verdict)',
  );
  const ListenerFn = koffi.proto(
    'void ut_listener_fn(void *user_data, const char *case_id, const char *event, ' +
      'int accepted, const char *outcome_json)',
  );
  const KpiFn = koffi.proto(
    'int ut_kpi_fn(void *user_data, const char *ledgers_json, const char *period_json, ' +
      'double *value, int *has_value)',
  );

  // Every char** out parameter is `void **`, so the buffer can be read and then released with
  // ut_free (never leaked, never freed twice).
  const f = (proto) => lib.func(proto);
  api = {
    koffi,
    path: loadedFrom,
    RuleFn,
    ListenerFn,
    KpiFn,
    ut_version: f('const char *ut_version(void)'),
    ut_status_name: f('const char *ut_status_name(int status)'),
    ut_last_error: f('const char *ut_last_error(void)'),
    ut_last_error_status: f('int ut_last_error_status(void)'),
    ut_last_error_kind: f('const char *ut_last_error_kind(void)'),
    ut_last_error_where: f('const char *ut_last_error_where(void)'),
    ut_free: f('void ut_free(void *p)'),
    ut_engine_open_default: f('int ut_engine_open_default(_Out_ void **out)'),
    ut_engine_open: f('int ut_engine_open(const char *path, _Out_ void **out)'),
    ut_engine_open_json: f('int ut_engine_open_json(const char *json, _Out_ void **out)'),
    ut_engine_close: f('void ut_engine_close(void *e)'),
    ut_engine_load_policy: f('int ut_engine_load_policy(void *e, const char *path)'),
    ut_engine_load_policy_json: f('int ut_engine_load_policy_json(void *e, const char *json)'),
    ut_engine_reload: f('int ut_engine_reload(void *e)'),
    ut_engine_load_policy_patch: f('int ut_engine_load_policy_patch(void *e, const char *json)'),
    ut_engine_policy_info: f('int ut_engine_policy_info(void *e, _Out_ void **out)'),
    ut_policy_builtin_json: f('int ut_policy_builtin_json(_Out_ void **out)'),
    ut_engine_set_limits: f('int ut_engine_set_limits(void *e, size_t bytes, unsigned int depth)'),
    ut_verdict_set_message: f('int ut_verdict_set_message(void *v, const char *message)'),
    ut_verdict_set_details: f('int ut_verdict_set_details(void *v, const char *json)'),
    ut_engine_register_rule: f(
      'int ut_engine_register_rule(void *e, const char *name, ut_rule_fn *fn, void *user_data)',
    ),
    ut_engine_set_listener: f(
      'int ut_engine_set_listener(void *e, ut_listener_fn *fn, void *user_data)',
    ),
    ut_case_create: f(
      'int ut_case_create(void *e, const char *id, const char *data, _Out_ void **out)',
    ),
    ut_case_restore: f('int ut_case_restore(void *e, const char *json, _Out_ void **out)'),
    ut_case_replay: f('int ut_case_replay(void *e, const char *json, _Out_ void **out)'),
    ut_engine_find_case: f('int ut_engine_find_case(void *e, const char *id, _Out_ void **out)'),
    ut_case_free: f('void ut_case_free(void *c)'),
    ut_case_fire: f(
      'int ut_case_fire(void *c, const char *event, const char *actor, const char *payload, ' +
        'const char *at, _Out_ void **out)',
    ),
    ut_case_fire_if_revision: f(
      'int ut_case_fire_if_revision(void *c, uint64_t rev, const char *event, ' +
        'const char *actor, const char *payload, const char *at, _Out_ void **out)',
    ),
    ut_case_state: f('int ut_case_state(void *c, _Out_ void **out)'),
    ut_case_id: f('int ut_case_id(void *c, _Out_ void **out)'),
    ut_case_revision: f('int ut_case_revision(void *c, _Out_ uint64_t *out)'),
    ut_case_snapshot: f('int ut_case_snapshot(void *c, _Out_ void **out)'),
    ut_case_available: f('int ut_case_available(void *c, const char *actor, _Out_ void **out)'),
    ut_case_ledger: f('int ut_case_ledger(void *c, _Out_ void **out)'),
    ut_case_record: f('int ut_case_record(void *c, _Out_ void **out)'),
    ut_case_risk: f('int ut_case_risk(void *c, _Out_ void **out)'),
    ut_case_deadlines: f('int ut_case_deadlines(void *c, _Out_ void **out)'),
    ut_case_tick: f('int ut_case_tick(void *c, const char *now, _Out_ void **out)'),
    ut_engine_register_kpi: f(
      'int ut_engine_register_kpi(void *e, const char *id, const char *definition, ' +
        'ut_kpi_fn *fn, void *user_data)',
    ),
    ut_engine_kpi: f(
      'int ut_engine_kpi(void *e, const char *ledgers, const char *period, _Out_ void **out)',
    ),
    ut_engine_kpi_people: f(
      'int ut_engine_kpi_people(void *e, const char *ledgers, const char *period, _Out_ void **out)',
    ),
    ut_engine_quality: f(
      'int ut_engine_quality(void *e, const char *ledgers, const char *period, _Out_ void **out)',
    ),
    ut_case_verify: f('int ut_case_verify(void *e, const char *snapshot, _Out_ void **out)'),
    ut_case_head: f('int ut_case_head(void *c, _Out_ void **out)'),
    ut_case_entries: f('int ut_case_entries(void *c, uint64_t after, _Out_ void **out)'),
    ut_case_restore_entries: f(
      'int ut_case_restore_entries(void *e, const char *head, const char *entries, ' +
        '_Out_ void **out)',
    ),
    ut_case_verify_entries: f(
      'int ut_case_verify_entries(void *e, const char *head, const char *entries, ' +
        '_Out_ void **out)',
    ),
    ut_engine_set_host_key: f(
      'int ut_engine_set_host_key(void *e, const uint8_t *key, size_t key_size)',
    ),
    ut_store_open: f('int ut_store_open(const char *uri, _Out_ void **out)'),
    ut_store_close: f('void ut_store_close(void *s)'),
    ut_store_create: f('int ut_store_create(void *s, void *c)'),
    ut_store_load: f('int ut_store_load(void *s, void *e, const char *id, _Out_ void **out)'),
    ut_store_save: f('int ut_store_save(void *s, void *c, uint64_t expected_revision)'),
    ut_store_fire: f(
      'int ut_store_fire(void *s, void *e, const char *id, const char *event, ' +
        'const char *actor, const char *payload, const char *at, const char *request_id, ' +
        '_Out_ void **out)',
    ),
    ut_store_list: f('int ut_store_list(void *s, const char *filter, _Out_ void **out)'),
    ut_store_inbox: f('int ut_store_inbox(void *s, void *e, const char *actor, _Out_ void **out)'),
    ut_store_inbox_query: f(
      'int ut_store_inbox_query(void *s, void *e, const char *query, _Out_ void **out)',
    ),
    ut_store_ledger: f('int ut_store_ledger(void *s, const char *id, _Out_ void **out)'),
    ut_store_changes: f(
      'int ut_store_changes(void *s, uint64_t after, size_t limit, _Out_ void **out)',
    ),
    ut_store_tick: f('int ut_store_tick(void *s, void *e, const char *now, _Out_ void **out)'),
    ut_store_kpi: f('int ut_store_kpi(void *s, void *e, const char *period, _Out_ void **out)'),
    ut_store_verify: f('int ut_store_verify(void *s, void *e, const char *id, _Out_ void **out)'),
  };
  return api;
}

module.exports = { load };
