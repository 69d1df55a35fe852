'use strict';
// Shared test data: the full order of tests/scenarios/full_order.json.
const fs = require('fs');
const path = require('path');

const scenario =
  process.env.UNDERTAKE_SCENARIO ||
  path.join(__dirname, '..', '..', '..', 'tests', 'scenarios', 'full_order.json');
const FULL_ORDER = JSON.parse(fs.readFileSync(scenario, 'utf8')).cases[0];

module.exports = {
  FULL_ORDER,
  DATA: FULL_ORDER.data,
  STEPS: FULL_ORDER.steps,
  SALES: { id: 'li', roles: ['sales'] },
  MARKET: { id: 'mei', roles: ['market'] },
  run(c, steps = FULL_ORDER.steps) {
    return steps.map((s) => c.fireOrThrow(s.event, s.actor, s.payload, s.at));
  },
};
