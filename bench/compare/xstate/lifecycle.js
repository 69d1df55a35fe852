'use strict';
// Runs the order lifecycle of compare_reference through the XState statechart (machine.js).
//
//   node xstate/lifecycle.js REF_DIR verify
//       the main path, event by event: the same accepted/refused answer and the same state paths as
//       undertake (REF_DIR/lifecycle.json); then every check of checks.json against
//       REF_DIR/checks.expected.json. Prints one JSON line {"ok", "events", "stages", "checks",
//       "mismatches": [...]}; exits 1 on any mismatch.
//   node xstate/lifecycle.js REF_DIR time SECONDS REPETITIONS
//       {"events_per_lifecycle", "events_per_s": [one per repetition], "events_per_wall_s"}: events
//       per second of the process's CPU time (as Google Benchmark's rate counters; each repetition
//       runs until SECONDS of CPU time were spent), and per wall-clock second. Full lifecycles, each
//       creating and starting an actor from the requirement form (parsed from JSON text, as the C++
//       benchmark parses regular_order() per lifecycle) and sending every event.
//   node --expose-gc xstate/lifecycle.js REF_DIR memory ACTORS
//       heap bytes per live actor after creation and after a full lifecycle.

const fs = require('fs');
const path = require('path');
const { createActor } = require('xstate');
const { machine, statePaths, stageOf } = require('./machine');

const [refDir, mode, ...args] = process.argv.slice(2);
if (!refDir || !mode) {
  console.error('usage: lifecycle.js REF_DIR verify | time SECONDS REPS | memory ACTORS');
  process.exit(2);
}
const reference = JSON.parse(fs.readFileSync(path.join(refDir, 'lifecycle.json'), 'utf8'));
const formText = JSON.stringify(reference.form);
const events = reference.steps.map((s) => ({ type: s.event, actor: s.actor, payload: s.payload, at: s.at }));

function newActor(form) {
  const actor = createActor(machine, { input: form });
  actor.start();
  return actor;
}

function sameList(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

// One step with its verdict: XState has no refusal, so "accepted" is whether an enabled transition
// takes the event (snapshot.can), which for this machine means the same as our engine accepting it.
function step(actor, event) {
  const accepted = actor.getSnapshot().can(event);
  actor.send(event);
  const value = actor.getSnapshot().value;
  return { accepted, stage: stageOf(value), state: statePaths(value) };
}

function mergePatch(target, patch) {
  const out = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (typeof v === 'object' && !Array.isArray(v) && typeof out[k] === 'object' && out[k] !== null)
      out[k] = mergePatch(out[k], v);
    else out[k] = v;
  }
  return out;
}

function verify() {
  const mismatches = [];
  const compare = (where, ours, theirs) => {
    if (ours.accepted !== theirs.accepted || ours.stage !== theirs.stage || !sameList(ours.state, theirs.state))
      mismatches.push({
        where,
        undertake: { accepted: ours.accepted, state: ours.state, reasons: ours.reasons },
        xstate: theirs,
      });
  };

  // The main path.
  const actor = newActor(JSON.parse(formText));
  const stages = [];
  reference.steps.forEach((ref, i) => {
    const got = step(actor, events[i]);
    compare(`main path step ${i + 1} ${ref.event}`, ref, got);
    if (stages[stages.length - 1] !== got.stage) stages.push(got.stage);
  });
  const refStages = [];
  for (const s of reference.steps) if (refStages[refStages.length - 1] !== s.stage) refStages.push(s.stage);
  const finalStage = stageOf(actor.getSnapshot().value);
  if (finalStage !== reference.final_stage)
    mismatches.push({ where: 'final state', undertake: reference.final_stage, xstate: finalStage });
  if (!sameList(stages, refStages)) mismatches.push({ where: 'stage sequence', undertake: refStages, xstate: stages });

  // The equivalence checks.
  const checks = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'checks.json'), 'utf8')).checks;
  const expected = JSON.parse(fs.readFileSync(path.join(refDir, 'checks.expected.json'), 'utf8'));
  let checkSteps = 0;
  checks.forEach((check, k) => {
    const form = check.form_patch ? mergePatch(reference.form, check.form_patch) : reference.form;
    const a = newActor(JSON.parse(JSON.stringify(form)));
    let at = Date.parse(reference.start);
    if (check.until) {
      for (const e of events) {
        if (e.type === check.until) break;
        at += 3600e3;
        a.send(e);
      }
    }
    check.steps.forEach((s, i) => {
      at += 3600e3;
      const event = {
        type: s.event,
        actor: s.actor,
        payload: s.payload || {},
        at: new Date(at).toISOString().replace('.000Z', 'Z'),
      };
      compare(`check "${check.name}" step ${i + 1} ${s.event}`, expected[k].steps[i], step(a, event));
      ++checkSteps;
    });
  });

  const result = {
    ok: mismatches.length === 0,
    events: reference.steps.length,
    final_stage: finalStage,
    stages,
    checks: checks.length,
    check_steps: checkSteps,
    mismatches,
  };
  console.log(JSON.stringify(result));
  process.exit(result.ok ? 0 : 1);
}

function lifecycle() {
  const actor = createActor(machine, { input: JSON.parse(formText) });
  actor.start();
  let snapshot;
  for (let i = 0; i < events.length; ++i) {
    actor.send(events[i]);
    snapshot = actor.getSnapshot(); // what ours returns per event: where the case stands
  }
  if (snapshot.value !== 'Closed') throw new Error(`lifecycle ended in ${JSON.stringify(snapshot.value)}`);
  return snapshot;
}

// CPU seconds of this process (all its threads: the JIT and GC helpers are part of the cost).
function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function time(seconds, reps) {
  for (let i = 0; i < 2000; ++i) lifecycle(); // warm-up: let the JIT settle
  const rates = [];
  const wallRates = [];
  for (let r = 0; r < reps; ++r) {
    let lifecycles = 0;
    const cpuStart = cpuSeconds();
    const wallStart = process.hrtime.bigint();
    let cpu = 0;
    do {
      for (let k = 0; k < 50; ++k) lifecycle();
      lifecycles += 50;
      cpu = cpuSeconds() - cpuStart;
    } while (cpu < seconds);
    rates.push((lifecycles * events.length) / cpu);
    wallRates.push((lifecycles * events.length) / (Number(process.hrtime.bigint() - wallStart) / 1e9));
  }
  console.log(JSON.stringify({ events_per_lifecycle: events.length, events_per_s: rates, events_per_wall_s: wallRates }));
}

function memory(n) {
  if (typeof global.gc !== 'function') throw new Error('memory needs node --expose-gc');
  const settle = () => {
    for (let i = 0; i < 3; ++i) global.gc();
    return process.memoryUsage().heapUsed;
  };
  const base = settle();
  const forms = Array.from({ length: n }, () => JSON.parse(formText)); // each order has its own form
  const actors = new Array(n);
  for (let i = 0; i < n; ++i) actors[i] = newActor(forms[i]);
  const created = settle();
  for (const actor of actors) for (const e of events) actor.send(e);
  const done = settle();
  const closed = actors.filter((a) => a.getSnapshot().value === 'Closed').length;
  if (closed !== n) throw new Error(`only ${closed} of ${n} actors reached Closed`);
  console.log(
    JSON.stringify({
      actors: n,
      bytes_per_actor_created: (created - base) / n,
      bytes_per_actor_after_lifecycle: (done - base) / n,
      includes: 'actor, snapshot, context and its own copy of the requirement form',
    }),
  );
}

if (mode === 'verify') verify();
else if (mode === 'time') time(Number(args[0] || 2), Number(args[1] || 3));
else if (mode === 'memory') memory(Number(args[0] || 10000));
else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
