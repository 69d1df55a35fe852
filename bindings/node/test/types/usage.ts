// A typed host of the binding, compiled (never run) by check-types.js against lib/index.d.ts:
// what a host writes must type-check, what it must not write must not.
import {
  Actor, Case, Closed, Conflict, Engine, InvalidArgument, Outcome, Refused, STATUS, Store,
  StoredOutcome, UndertakeError, Verdict, builtinPolicy, libraryPath, version,
} from 'undertake';
import type { Clock, JsonObject, Reason, When } from 'undertake';

const clock: Clock = () => new Date();
const engine = new Engine(null, { clock });
const withPolicy = new Engine(builtinPolicy());
withPolicy.close();

engine.registerRule('credit_check', (facts, event, actor) => [facts.data !== undefined,
  `${event} by ${actor.id}`]);
engine.registerRule('always', () => new Verdict(true, 'fine', { owed: 0 }));
engine.registerKpi('orders', (ledgers) => ledgers.length, { direction: 'higher' });
engine.setListener((caseId: string, event: string, accepted: boolean, outcome: Outcome) => {
  if (!accepted) console.log(caseId, event, outcome.reasons.map((r: Reason) => r.message));
});
engine.setListener(null);

const order: Case = engine.createCase('SO-1', { customer: { name: 'ACME', tier: 'regular' } });
const at: When = '2026-03-02T09:00:00Z';
const out: Outcome = order.fire('intake.forward', new Actor('mei', 'market'), {}, at);
const accepted: boolean = out.accepted;
const state: string[] = out.state;
order.fire('intake.confirm', { id: 'li', roles: ['sales'] }); // the engine's clock
order.fireOrThrow('contract.sign', { id: 'li', roles: ['sales'] }, null, new Date(),
  { expectedRevision: 2 });
const report: JsonObject = order.tick();
const revision: number = order.revision;

try {
  order.fire('contract.sign', { id: 'li', roles: ['sales'] }, {}, at, { check: true });
} catch (e) {
  if (e instanceof Refused) console.log(e.reasons[0].kind, e.outcome.event);
  else if (e instanceof Conflict || e instanceof Closed) console.log(e.statusName, e.status);
  else if (e instanceof UndertakeError) console.log(e.kind, e.where, e.message);
}
const statuses: number[] = [STATUS.OK, STATUS.CLOSED, InvalidArgument.status];

const store = Store.open('sqlite:/tmp/cases.db');
store.create(order);
const stored: StoredOutcome = store.fire(engine, 'SO-1', 'intake.confirm',
  { id: 'li', roles: ['sales'] }, {}, undefined, { requestId: 'req-1' });
const retried: boolean = stored.repeated;
const inbox = store.inbox(engine, { id: 'li', roles: ['sales'] }, { limit: 10 });
const next: string | null = inbox.next;
store.tick(engine);
store.close();
order.close();
engine.close();
console.log(accepted, state, report, revision, statuses, retried, next, libraryPath(), version());

// What a host must not write.
// @ts-expect-error the clock is a function, not a time
new Engine(null, { clock: '2026-03-02' });
// @ts-expect-error an event is a string
order.fire(42, { id: 'li', roles: ['sales'] });
// @ts-expect-error a time is an ISO-8601 string or a Date
order.tick(20260302);
// @ts-expect-error no such method
engine.fireAll();
