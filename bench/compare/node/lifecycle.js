'use strict';
// The order lifecycle of compare_reference through undertake's Node binding (bindings/node).
//
//   node node/lifecycle.js OUT SECONDS REPETITIONS   ->  {"events_per_s": [...]} on stdout
//
// First checks that every event of OUT/lifecycle.json is accepted with the same state as the C++
// API, then times full lifecycles (create the case from the requirement form, fire the 36 events,
// free it), as bench_lifecycle does. Run by bench/compare/run once bindings/node has landed.
//
// The binding (bindings/node, koffi over the C API) finds the library through UNDERTAKE_LIBRARY,
// set by bench/compare/run.
const fs = require('fs');
const path = require('path');

const [out, seconds, reps] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const ref = JSON.parse(fs.readFileSync(path.join(out, 'lifecycle.json'), 'utf8'));
const formText = JSON.stringify(ref.form);
const steps = ref.steps;

const undertake = require(path.join(__dirname, '..', '..', '..', 'bindings', 'node'));
const engine = new undertake.Engine(); // the built-in default policy

function lifecycle(check) {
  const c = engine.createCase('B-1', JSON.parse(formText));
  try {
    for (let i = 0; i < steps.length; ++i) {
      const s = steps[i];
      const o = c.fire(s.event, s.actor, s.payload, s.at);
      if (check && (o.accepted !== s.accepted || JSON.stringify(o.state) !== JSON.stringify(s.state)))
        throw new Error(`step ${i + 1} ${s.event}: got ${JSON.stringify(o.state)}, expected ${JSON.stringify(s.state)}`);
    }
  } finally {
    c.close();
  }
}

lifecycle(true);
for (let i = 0; i < 200; ++i) lifecycle(false);
// Per second of the process's CPU time (as Google Benchmark's rate counters), and of wall time.
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const rates = [];
const wallRates = [];
for (let r = 0; r < reps; ++r) {
  let n = 0;
  const cpuStart = cpuSeconds();
  const wallStart = process.hrtime.bigint();
  let cpu = 0;
  do {
    for (let k = 0; k < 20; ++k) lifecycle(false);
    n += 20;
    cpu = cpuSeconds() - cpuStart;
  } while (cpu < seconds);
  rates.push((n * steps.length) / cpu);
  wallRates.push((n * steps.length) / (Number(process.hrtime.bigint() - wallStart) / 1e9));
}
console.log(JSON.stringify({ events_per_lifecycle: steps.length, events_per_s: rates, events_per_wall_s: wallRates }));
