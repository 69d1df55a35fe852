// Types of the undertake Node binding (lib/index.js, lib/store.js). Checked by the test
// node_types: a typed example compiles against them, and every runtime export is declared here
// and every value declared here is exported.

/** A JSON value as JSON.parse gives it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A JSON object: most of the library's answers. */
export type JsonObject = { [key: string]: any };
/** A JSON document as the binding takes it: a plain value or its JSON text. */
export type Document = JsonObject | unknown[] | string;
/** A point in time: an ISO-8601 string ('2026-03-02', '2026-03-02T09:00:00Z') or a Date. */
export type When = string | Date;
/** The clock a host gives an engine: called whenever the host leaves out the time of a fire or
 *  a tick. The engine itself never reads the wall clock. */
export type Clock = () => When;
/** Who fires an event: an Actor, `{ id, roles }`, or its JSON text. */
export type ActorLike = Actor | { id: string; roles: string[] } | string;

/** The C API's status codes (include/undertake/undertake.h). */
export declare const STATUS: {
  readonly OK: 0;
  readonly REFUSED: 1;
  readonly INVALID_ARGUMENT: -1;
  readonly INVALID_JSON: -2;
  readonly POLICY: -3;
  readonly SNAPSHOT: -4;
  readonly NOT_FOUND: -5;
  readonly CONFLICT: -6;
  readonly LIMIT: -7;
  readonly RULE: -8;
  readonly IO: -9;
  readonly NO_MEMORY: -10;
  readonly CLOSED: -11;
  readonly INTERNAL: -12;
};

export interface ErrorParts {
  kind?: string;
  where?: string;
}

/** An error reported by the library, or by the binding for an argument it cannot pass on. The
 *  same classes and fields as the Python binding's. */
export declare class UndertakeError extends Error {
  constructor(message: string, status?: number, parts?: ErrorParts);
  /** The C status code. */
  status: number;
  /** Its stable name, "UT_E_POLICY", ... (the library's ut_status_name). */
  readonly statusName: string;
  /** The library's kind of error ("invalid_policy", "limit_exceeded", ...); "" when the binding
   *  raised it itself. */
  kind: string;
  /** The place the error names (argument, file and JSON path, event, rule, case, ledger seq). */
  where: string;
}

export declare class InvalidArgument extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class InvalidJson extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class PolicyError extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class SnapshotError extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class NotFound extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class Conflict extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class LimitExceeded extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class RuleError extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class IOFailure extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class OutOfMemory extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
/** Something used after it was closed: an engine after close() (its cases stay readable, firing
 *  on them throws Closed too), or a case or store after its own close(). */
export declare class Closed extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
export declare class InternalError extends UndertakeError {
  constructor(message: string, parts?: ErrorParts);
  static readonly status: number;
}
/** The process refused an event (thrown only on request: `{ check: true }` or fireOrThrow). */
export declare class Refused extends UndertakeError {
  constructor(outcome: Outcome);
  readonly outcome: Outcome;
  readonly reasons: Reason[];
}

export declare class Actor {
  /** new Actor('li', 'sales') or new Actor('boss', ['management']). */
  constructor(id: string, roles?: string | string[]);
  id: string;
  roles: string[];
  toJSON(): { id: string; roles: string[] };
}

/** Why an event was refused. kind: unknown_event, invalid_payload, role, state, gate,
 *  segregation, approval, time, rule_error, limit. */
export interface Reason {
  kind: string;
  message: string;
  rule?: string;
}

export declare class Outcome {
  constructor(json: JsonObject | string, accepted?: boolean);
  readonly accepted: boolean;
  readonly json: JsonObject;
  readonly event: string;
  readonly seq: number | undefined;
  readonly state: string[];
  readonly reasons: Reason[];
  readonly warnings: Json[];
  readonly trace: JsonObject;
  readonly caseId: string;
  readonly revision: number | undefined;
  throwIfRefused(): this;
}

/** What Store#fire did: an Outcome plus attempts, repeated and requestId. */
export declare class StoredOutcome extends Outcome {
  readonly attempts: number;
  readonly repeated: boolean;
  readonly requestId: string | undefined;
}

/** What a custom rule may return instead of a boolean. */
export declare class Verdict {
  constructor(passed: unknown, message?: string | null, details?: Json);
  passed: boolean;
  message: string | null;
  details: Json | undefined;
}

/** A custom rule: a boolean, [passed, message, details] or a Verdict; a throw fails it closed. */
export type RuleFn = (
  facts: JsonObject,
  event: string,
  actor: { id: string; roles: string[] },
) => boolean | [unknown, string?, Json?] | Verdict;
/** A KPI calculator: a number, or null for "no data in the period". */
export type KpiFn = (ledgers: JsonObject[], period: JsonObject) => number | null | undefined;
/** The listener: after every fire on any case of the engine. */
export type ListenerFn = (caseId: string, event: string, accepted: boolean, outcome: Outcome) => void;

export interface KpiDefinition {
  title?: string;
  department?: string;
  unit?: string;
  direction?: 'higher' | 'lower';
  target?: number;
}

export interface EngineOptions {
  /** Used whenever fire or tick is not told when; without one, leaving the time out throws
   *  InvalidArgument. */
  clock?: Clock | null;
}

export interface FireOptions {
  /** Throw Refused instead of returning a refused Outcome. */
  check?: boolean;
  /** Conflict unless the case is at that revision. */
  expectedRevision?: number;
}

export declare class Engine {
  /** new Engine() (built-in policy), new Engine('rules/'), new Engine('policy.json'), or
   *  new Engine({...policy document}); `{ clock }` for the time fire and tick leave out. */
  constructor(policy?: string | JsonObject | null, options?: EngineOptions);
  readonly closed: boolean;
  /** The clock given to the engine, or null. */
  clock: Clock | null;
  close(): void;

  loadPolicy(policy: string | JsonObject): void;
  reload(): void;
  patchPolicy(patch: Document): void;
  readonly policyInfo: JsonObject;
  setLimits(limits?: { maxJsonBytes?: number; maxJsonDepth?: number }): void;

  registerRule(name: string, fn: RuleFn): void;
  setListener(fn: ListenerFn | null): void;
  registerKpi(kpiId: string, fn: KpiFn, definition?: KpiDefinition): void;

  createCase(caseId: string, data: Document): Case;
  restore(snapshot: Document): Case;
  restoreEntries(head: Document, entries: Array<JsonObject | string> | string): Case;
  replay(ledger: Document): Case;
  findCase(caseId: string): Case;

  setHostKey(key: Uint8Array | string): void;
  verify(snapshot: Document): JsonObject;
  verifyEntries(head: Document, entries: Array<JsonObject | string> | string): JsonObject;

  kpi(ledgers: Document, from: When, to: When, options?: { skipBadCases?: boolean }): JsonObject;
  kpiPeople(ledgers: Document, from: When, to: When): JsonObject;
  quality(ledgers: Document, from: When, to: When): JsonObject;
}

export declare class Case {
  readonly id: string;
  readonly closed: boolean;
  close(): void;

  /** Fires an event at `at` (left out: the engine's clock). */
  fire(event: string, actor: ActorLike, payload?: Document | null, at?: When | null,
    options?: FireOptions): Outcome;
  fireOrThrow(event: string, actor: ActorLike, payload?: Document | null, at?: When | null,
    options?: { expectedRevision?: number }): Outcome;

  /** { case_id, stage, state, revision, policy_version } */
  readonly status: JsonObject;
  readonly state: string[];
  readonly stage: string;
  readonly revision: number;
  snapshot(): JsonObject;
  head(): JsonObject;
  headJson(): string;
  entries(after?: number): JsonObject[];
  ledger(): JsonObject;
  record(): JsonObject;
  risk(): JsonObject;
  deadlines(): JsonObject[];
  /** Checks the deadlines at `now` (left out: the engine's clock). */
  tick(now?: When | null): JsonObject;
  available(actor: ActorLike): Array<{ event: string; gated: boolean }>;
}

export interface StoreFireOptions {
  requestId?: string | null;
  check?: boolean;
}

export declare class Store {
  /** 'sqlite:PATH', a plain path, or a PostgreSQL connection URI. */
  static open(uri: string): Store;
  readonly closed: boolean;
  close(): void;

  create(c: Case): void;
  load(engine: Engine, caseId: string): Case;
  save(c: Case, expectedRevision: number): void;
  /** Loads, fires at `at` (left out: the engine's clock), saves. */
  fire(engine: Engine, caseId: string, event: string, actor: ActorLike,
    payload?: Document | null, at?: When | null, options?: StoreFireOptions): StoredOutcome;

  list(filter?: { stage?: string; open?: boolean; attentionBy?: When; updatedSince?: When;
    limit?: number }): JsonObject[];
  inbox(engine: Engine, actor: ActorLike, query?: { stage?: string; customer?: string;
    dueBy?: When; after?: string; limit?: number }): { items: JsonObject[]; next: string | null };
  ledger(caseId: string): JsonObject;
  changes(after?: number, limit?: number): JsonObject[];

  /** Ticks every stored case at `now` (left out: the engine's clock). */
  tick(engine: Engine, now?: When | null): JsonObject;
  kpi(engine: Engine, from: When, to: When, options?: { skipBadCases?: boolean }): JsonObject;
  verify(engine: Engine, caseId: string): JsonObject;
}

/** The built-in default policy as a document (what new Engine(policy) reads). */
export declare function builtinPolicy(): JsonObject;
/** The file the C library was loaded from. */
export declare function libraryPath(): string;
/** The C library's version, "MAJOR.MINOR.PATCH". */
export declare function version(): string;
