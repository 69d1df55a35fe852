'use strict';
// Fires a whole scenario (tests/scenarios/*.json: cases with their steps) through the Node
// binding, checks each step's expectation, listens to the notifications, and prints the KPI report
// of the cases at the end.
//
//   node scenario.js [scenario.json]       (UNDERTAKE_LIBRARY names libundertake_c)

const fs = require('fs');
const path = require('path');
const { Engine } = require('../../bindings/node');

const file = process.argv[2] || path.join(__dirname, '..', '..', 'tests', 'scenarios', 'full_order.json');
const scenario = JSON.parse(fs.readFileSync(file, 'utf8'));

const engine = new Engine();
const notifications = [];
engine.setListener((caseId, event, accepted) => {
  if (accepted && ['contract.archive', 'delivery.ship', 'case.close'].includes(event))
    notifications.push(`${caseId}: ${event}`);
});

let failures = 0;
const ledgers = [];
for (const spec of scenario.cases) {
  const order = engine.createCase(spec.id, spec.data);
  console.log(`${spec.id} (${spec.data.customer.name})`);
  for (const step of spec.steps) {
    const out = order.fire(step.event, step.actor, step.payload, step.at);
    const expect = step.expect || {};
    const ok =
      (expect.accepted === undefined || expect.accepted === out.accepted) &&
      (expect.state === undefined || out.state.includes(expect.state));
    if (!ok) failures++;
    const what = out.accepted ? out.state.join(', ') : out.reasons.map((r) => r.message).join('; ');
    console.log(`  ${ok ? 'ok ' : 'BAD'} ${step.at} ${step.event} by ${step.actor.id}: ${what}`);
  }
  ledgers.push(order.ledger());
  order.close();
}

const report = engine.kpi(ledgers, '2026-01-01', '2026-12-31');
console.log('KPIs 2026:');
for (const [id, kpi] of Object.entries(report.kpis))
  if (kpi.value !== null) console.log(`  ${id.padEnd(32)} ${kpi.value} (score ${kpi.score})`);
console.log('notifications:', notifications);
engine.close();

if (failures) {
  console.error(`${failures} steps did not go as expected`);
  process.exit(1);
}
console.log('ok');
