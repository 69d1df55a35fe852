'use strict';
// Events per second through the Node binding on the full order lifecycle (create the case, fire
// every step of tests/scenarios/full_order.json with objects in and an Outcome out, free it).
//
//   UNDERTAKE_LIBRARY=... node bench_node.js [scenario] [seconds] [reps]
//
// Prints {"node": median events/s, "events_per_lifecycle": N}.
const fs = require('fs');
const path = require('path');
const { Engine } = require('../../bindings/node');

const file = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'scenarios', 'full_order.json');
const seconds = Number(process.argv[3] || 2);
const reps = Number(process.argv[4] || 5);
const spec = JSON.parse(fs.readFileSync(file, 'utf8')).cases[0];

const engine = new Engine();
function lifecycle() {
  const c = engine.createCase(spec.id, spec.data);
  for (const s of spec.steps)
    if (!c.fire(s.event, s.actor, s.payload, s.at).accepted) throw new Error(`${s.event} refused`);
  c.close();
}

for (let i = 0; i < 20; ++i) lifecycle();
const rates = [];
for (let r = 0; r < reps; ++r) {
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let k = 0; k < 5; ++k) lifecycle();
    n += 5;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  rates.push((n * spec.steps.length) / elapsed);
}
rates.sort((a, b) => a - b);
console.log(JSON.stringify({ node: Math.round(rates[rates.length >> 1]), events_per_lifecycle: spec.steps.length }));
engine.close();
