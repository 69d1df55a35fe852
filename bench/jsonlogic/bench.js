// The JavaScript side of bench/jsonlogic/run: json-logic-js (interpreted) and json-logic-engine
// (compiled with build()) on the same rule sets as bench_jsonlogic, then the comparison table.
//
//   node bench.js COMPATIBLE.json GATESET.json OURS.jsonl [SECONDS]
//
// GATESET.json is written by bench_jsonlogic: the default policy's gate conditions, the facts and
// our results. The date operators and `decide` (the authority matrix) are given to both
// JavaScript engines as plain JavaScript functions; every engine's results are checked against
// the expected ones (compatible.json's, ours for the gates) and the count of correct ones shown.
'use strict';

const fs = require('fs');
const path = require('path');

const here = __dirname;
const jsonLogic = require(path.join(here, 'node_modules/json-logic-js'));
const { LogicEngine } = require(path.join(here, 'node_modules/json-logic-engine'));

const [compatiblePath, gateSetPath, oursPath, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg || 3);

function same(a, b) {
  if (typeof a === 'number' || typeof b === 'number') return typeof a === typeof b && a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => same(a[k], b[k]));
  }
  return a === b;
}

// The operators of the default policy beyond classic JsonLogic, as plain JavaScript.
const DAY = 86400000;
const dateOf = (s) => {
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error('Invalid Date');
  return t;
};
const ops = {
  date_on_or_before: (a, b) => dateOf(a) <= dateOf(b),
  date_before: (a, b) => dateOf(a) < dateOf(b),
  add_days: (a, n) => new Date(dateOf(a) + n * DAY).toISOString(),
  days_between: (a, b) => (dateOf(b) - dateOf(a)) / DAY,
  hours_between: (a, b) => (dateOf(b) - dateOf(a)) / 3600000,
  decide: (table, amount) => {
    if (table !== 'authority-matrix') throw new Error('no table ' + table);
    if (typeof amount !== 'number') throw new Error('amount must be a number');
    return amount < 100000 ? 0 : amount < 1000000 ? 1 : 2;
  },
};
for (const [name, fn] of Object.entries(ops)) jsonLogic.add_operation(name, fn);
const engine = new LogicEngine();
for (const [name, fn] of Object.entries(ops)) engine.addMethod(name, (args) => fn(...[].concat(args)));

function load(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const compatible = load(compatiblePath)
  .filter((c) => c && typeof c === 'object' && 'result' in c)
  .map((c) => ({ rule: c.rule, data: c.data === undefined ? null : c.data, expected: c.result }));
const gateSet = load(gateSetPath);
const gates = gateSet.rules.map((r) => ({ rule: r.rule, data: gateSet.data, expected: r.result }));

// Each engine turns a case into a thunk that evaluates it once.
const engines = {
  'json-logic-js': (c) => () => jsonLogic.apply(c.rule, c.data),
  'json-logic-engine (compiled)': (c) => {
    const f = engine.build(c.rule);
    return () => f(c.data);
  },
};

let sink = 0;
function timeSet(thunks) {
  const rates = [];
  for (const t of thunks) sink += t() === null ? 1 : 0; // warm up
  for (let run = 0; run < 3; run++) {
    let count = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      for (let rep = 0; rep < 64; rep++) for (const t of thunks) sink += t() === null ? 1 : 0;
      count += 64 * thunks.length;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < seconds / 3);
    rates.push(count / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[1];
}

const results = [];
for (const [set, cases] of [['compatible', compatible], ['gates', gates]]) {
  for (const [name, make] of Object.entries(engines)) {
    const thunks = [];
    let correct = 0;
    for (const c of cases) {
      let thunk;
      try {
        thunk = make(c);
        if (same(thunk(), c.expected)) correct++;
        thunks.push(thunk);
      } catch (e) {
        // An error where a value is expected: not correct; timed as it behaves (throwing), and
        // only such cases pay for a try/catch wrapper.
        const t = thunk || (() => null);
        thunks.push(() => {
          try {
            return t();
          } catch (err) {
            return null;
          }
        });
      }
    }
    results.push({ engine: name, set, cases: cases.length, correct, evals_per_sec: timeSet(thunks) });
  }
}

// The table: ours first, then each JavaScript engine with ours ÷ theirs.
const ours = fs
  .readFileSync(oursPath, 'utf8')
  .split('\n')
  .filter((l) => l.trim().startsWith('{'))
  .map((l) => JSON.parse(l));
const all = ours.concat(results);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const rows = [['set', 'engine', 'evaluations/s', 'correct', 'ours ÷ this']];
for (const set of ['compatible', 'gates', 'table']) {
  const base = ours.find((r) => r.set === set && r.engine.startsWith('undertake'));
  for (const r of all.filter((x) => x.set === set)) {
    const ratio = base ? base.evals_per_sec / r.evals_per_sec : NaN;
    const shown = r === base ? '1.00' : r.engine.startsWith('undertake') ? '' : ratio.toFixed(2) + '×';
    rows.push([set, r.engine, fmt(r.evals_per_sec), `${r.correct}/${r.cases}`, shown]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
for (const [i, r] of rows.entries()) {
  console.log(r.map((c, j) => (j >= 2 ? String(c).padStart(widths[j]) : String(c).padEnd(widths[j]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
// A gate needs only the verdict: ours as the engine runs a gate condition (Rule::test), against
// the JavaScript engines' value (truthiness costs them nothing more).
const verdict = ours.find((r) => r.set === 'gates' && r.engine.includes('verdict'));
if (verdict) {
  const vs = results
    .filter((r) => r.set === 'gates')
    .map((r) => `${(verdict.evals_per_sec / r.evals_per_sec).toFixed(2)}× ${r.engine}`);
  console.log(`\ngates as a gate runs them (Rule::test, the verdict only): ${vs.join(', ')}`);
}
console.log(`\nnode ${process.version}; json-logic-js ${require(path.join(here, 'node_modules/json-logic-js/package.json')).version}, json-logic-engine ${require(path.join(here, 'node_modules/json-logic-engine/package.json')).version}; ${seconds}s per set and engine (median of 3 runs)`);
if (sink === -1) console.log(sink);
