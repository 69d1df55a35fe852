'use strict';
// Helpers of bench/compare/run: reading results and printing the table.
//
//   node report.js explain VERIFY_JSON            what xstate/lifecycle.js verify found
//   node report.js check-trace OUT TRACE NAME     an engine's per-step trace (status TAB outcome
//                                                 JSON) against OUT/lifecycle.json; exits 1 on a
//                                                 mismatch
//   node report.js from-gbench RAW_JSON           Google Benchmark JSON -> {"events_per_s": [...]}
//   node report.js table OUT capi=0|1 python=0|1 node=0|1 java=0|1

const fs = require('fs');
const path = require('path');

const [mode, ...args] = process.argv.slice(2);
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');

function explain(file) {
  const v = readJson(file);
  if (v.ok) {
    console.log(
      `XState matches undertake: ${v.events} events, final state ${v.final_stage}, stages ` +
        `${v.stages.join(' → ')}; ${v.checks} equivalence checks (${v.check_steps} steps) agree`,
    );
    return;
  }
  console.log(`XState differs from undertake in ${v.mismatches.length} place(s):`);
  for (const m of v.mismatches.slice(0, 20)) console.log(`  ${m.where}\n    undertake: ${JSON.stringify(m.undertake)}\n    xstate:    ${JSON.stringify(m.xstate)}`);
}

function checkTrace(outDir, traceFile, name) {
  const ref = readJson(path.join(outDir, 'lifecycle.json'));
  const lines = fs.readFileSync(traceFile, 'utf8').split('\n').filter(Boolean);
  const problems = [];
  ref.steps.forEach((step, i) => {
    const line = lines[i];
    if (!line) return problems.push(`step ${i + 1} ${step.event}: no outcome`);
    const tab = line.indexOf('\t');
    const status = line.slice(0, tab);
    let outcome;
    try {
      outcome = JSON.parse(line.slice(tab + 1));
    } catch (e) {
      return problems.push(`step ${i + 1} ${step.event}: ${status} ${line.slice(tab + 1)}`);
    }
    const same = outcome.accepted === step.accepted && JSON.stringify(outcome.state) === JSON.stringify(step.state);
    if (!same) problems.push(`step ${i + 1} ${step.event}: ${status} ${JSON.stringify(outcome.state)}, expected ${JSON.stringify(step.state)}`);
  });
  if (problems.length) {
    console.log(`${name} differs from the C++ API:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`${name} matches the C++ API: ${ref.steps.length} events, same state after each, final ${ref.final_stage}`);
}

function fromGbench(file) {
  const raw = readJson(file);
  const runs = raw.benchmarks.filter((b) => b.run_type === 'iteration' && b['events/s'] !== undefined);
  if (!runs.length) throw new Error(`no events/s counter in ${file}`);
  console.log(
    JSON.stringify({
      benchmark: runs[0].run_name || runs[0].name,
      events_per_s: runs.map((b) => b['events/s']), // Google Benchmark divides rates by CPU time
      events_per_wall_s: runs.map((b) => (b['events/s'] * b.cpu_time) / b.real_time),
      context: { host: raw.context.host_name, cpus: raw.context.num_cpus, mhz: raw.context.mhz_per_cpu, build: raw.context.library_build_type },
    }),
  );
}

function table(outDir, flags) {
  const on = Object.fromEntries(flags.map((f) => f.split('=')).map(([k, v]) => [k, v === '1']));
  const result = (name, { wallOnly = false } = {}) => {
    const file = path.join(outDir, `result-${name}.json`);
    try {
      const r = readJson(file);
      const cpuRuns = wallOnly ? null : r.events_per_s;
      const wallRuns = wallOnly ? r.events_per_s : r.events_per_wall_s;
      if (!wallOnly && (!Array.isArray(cpuRuns) || !cpuRuns.length)) throw new Error('no events_per_s');
      return {
        rate: cpuRuns ? median(cpuRuns) : undefined,
        runs: cpuRuns || undefined,
        wall: wallRuns && wallRuns.length ? median(wallRuns) : undefined,
      };
    } catch (e) {
      let why = e.message;
      const err = path.join(outDir, `result-${name}.err`);
      if (fs.existsSync(err)) {
        const lines = fs.readFileSync(err, 'utf8').trim().split('\n').filter(Boolean);
        if (lines.length) why = lines[lines.length - 1];
      }
      return { missing: `runner failed: ${why}` };
    }
  };
  const pending = (what, paths) => ({ missing: `not available yet: ${what} has not landed (git log -- ${paths} is empty)` });

  const rows = [
    ['undertake C++ API', result('cpp')],
    ['undertake C API (JSON)', on.capi ? result('capi') : pending('the C API', 'src/capi')],
    ['undertake Python', on.python ? result('python') : pending('the Python binding', 'bindings/python')],
    ['undertake Node', on.node ? result('node') : pending('the Node binding', 'bindings/node')],
    ['undertake Java', on.java ? result('java') : pending('the Java binding', 'bindings/java')],
    ['XState v5 (Node)', result('xstate')],
  ];
  // bench/capi's own figures, beside ours (its bench_capi, on tests/scenarios/full_order.json).
  if (fs.existsSync(path.join(outDir, 'result-capi-bench.json')))
    rows.splice(
      2,
      0,
      ['  bench_capi: JSON in + out', result('capi-bench', { wallOnly: true })],
      ['  bench_capi: no outcome JSON', result('capi-bench-noout', { wallOnly: true })],
    );
  const rate = (name) => rows.find(([n]) => n === name)[1].rate;
  const cpp = rate('undertake C++ API');
  const xstate = rate('XState v5 (Node)');
  const cppWall = rows[0][1].wall;
  const lines = [];
  lines.push(`${'engine'.padEnd(30)}${'events/s'.padStart(10)}   ${'ratio to undertake C++'.padEnd(24)}${'wall events/s'.padStart(13)}`);
  for (const [name, r] of rows) {
    if (r.missing) {
      lines.push(`${name.padEnd(30)}${'—'.padStart(10)}   ${r.missing}`);
      continue;
    }
    const ratio = r.rate !== undefined ? r.rate / cpp : r.wall / cppWall;
    const ratioText = `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}${r.rate === undefined ? ' (wall clock)' : ''}`;
    lines.push(
      `${name.padEnd(30)}${(r.rate !== undefined ? fmt(r.rate) : '—').padStart(10)}   ${ratioText.padEnd(24)}${(r.wall !== undefined ? fmt(r.wall) : '—').padStart(13)}`,
    );
  }
  lines.push('');
  lines.push('events/s: per second of CPU time of the process (Google Benchmark\'s rate counters; the other');
  lines.push('runners likewise), median of the runs; wall events/s: per wall-clock second, for reference');
  lines.push('(bench_capi measures wall time only). Runs (events/s):');
  for (const [name, r] of rows) if (r.runs) lines.push(`  ${name.trim()}: ${r.runs.map(fmt).join(', ')}`);
  lines.push('');
  lines.push('goals:');
  const goal = (label, ours, factor) => {
    if (ours === undefined) return lines.push(`  ${label}: pending (no figure yet)`);
    const x = ours / xstate;
    lines.push(`  ${label}: ${x.toFixed(1)}× XState (${fmt(ours)} vs ${fmt(xstate)} events/s) — ${x >= factor ? 'met' : 'NOT met'}`);
  };
  goal('C++ API >= 20× XState', cpp, 20);
  goal('C API (JSON in/out) >= 5× XState', rate('undertake C API (JSON)'), 5);

  lines.push('');
  lines.push('memory per live case/actor (heap bytes):');
  try {
    const m = readJson(path.join(outDir, 'memory-xstate.json'));
    lines.push(`  XState v5 actor, ${fmt(m.actors)} actors: ${fmt(m.bytes_per_actor_created)} after creation, ${fmt(m.bytes_per_actor_after_lifecycle)} after a full lifecycle (${m.includes})`);
  } catch (e) {
    lines.push(`  XState v5 actor: not measured (${e.message})`);
  }
  try {
    // bench_memory --json: glibc's bytes in use (mallinfo2, with the allocator's overhead) per
    // case, the nearest to V8's heapUsed per actor; the bytes asked of operator new beside it.
    const u = readJson(path.join(outDir, 'memory-undertake.json'));
    lines.push(`  undertake case, ${fmt(u.sample_cases)} cases: ${fmt(u.created.heap_bytes_per_case)} after creation, ${fmt(u.after_lifecycle.heap_bytes_per_case)} after a full lifecycle (case, record, its own copy of the requirement form, machine, ledger; malloc chunks in use)`);
    lines.push(`    of which requested of operator new: ${fmt(u.created.requested_bytes_per_case)} after creation, ${fmt(u.after_lifecycle.requested_bytes_per_case)} after the lifecycle (${fmt(u.created.allocations_per_case)} and ${fmt(u.after_lifecycle.allocations_per_case)} blocks)`);
    const big = u.live_cases;
    lines.push(`    ${fmt(big.cases)} live cases just created: ${fmt(big.heap_bytes_per_case)} bytes/case, ${big.heap_gib.toFixed(2)} GiB heap, peak RSS ${fmt(big.peak_rss_mib)} MiB, ${fmt(big.cases_per_second_cpu)} cases/s (CPU)`);
    lines.push(`  goal: <= 2 KiB heap per live case before its ledger grows: ${fmt(u.created.heap_bytes_per_case)} bytes — ${u.goal_met ? 'met' : 'NOT met'}`);
  } catch (e) {
    lines.push(`  undertake case: not measured (${e.message})`);
  }
  console.log(lines.join('\n'));

  fs.writeFileSync(
    path.join(outDir, 'results.json'),
    JSON.stringify({ rows: rows.map(([engine, r]) => ({ engine, ...r, ratio: r.rate ? r.rate / cpp : null })) }, null, 2) + '\n',
  );
}

if (mode === 'explain') explain(args[0]);
else if (mode === 'check-trace') checkTrace(args[0], args[1], args[2]);
else if (mode === 'from-gbench') fromGbench(args[0]);
else if (mode === 'table') table(args[0], args.slice(1));
else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
