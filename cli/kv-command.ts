/**
 * `popcheck check --kv` (or `--scenario kv`): explore the KV (RocksDB) POP service model
 * (model/kv/) on one release with the KV bounds, and report like `check` does. Also
 * `--bug kv-...` runs a KV catalogue finding on its buggy releases.
 */
import { check, type CheckResult } from '../checker/index.js';
import { entryIdentity, findEntry, isKv, KV_CATALOGUE } from '../model/catalogue.js';
import { identityFlags } from '../model/identity.js';
import { KV_SETTABLE, type KvIdentity } from '../model/kv/identity.js';
import { KV_INVARIANT_NAMES } from '../model/kv/invariants.js';
import { describeKvEvent, describeKvState, KV_BOUND_LIMITS, KV_DEFAULTS, KV_RELEASES, kvIdentityError, KvModel, type KvBounds } from '../model/kv/model.js';
import type { KvEvent } from '../model/kv/rules.js';
import { buildPopModel, ModelArgsError, type ModelArgs } from '../model/factory.js';
import { writeKvTrace } from '../traces/kv.js';
import { parseFlags, UsageError } from './errors.js';

export interface KvCheckArgs {
  readonly identity: KvIdentity;
  readonly json: boolean;
  readonly maxStates: number | null;
  readonly help: boolean;
  readonly bug: string | null;
  readonly compare: boolean;
  /** `--trace-out FILE`: the first counterexample as a KV trace (traces/kv.ts; `popcheck replay FILE` reads it). */
  readonly traceOut: string | null;
}

/** Is this `check` argument list for the KV model? (`--bug` with a KV entry's id is too.) */
export function wantsKv(argv: readonly string[]): boolean {
  if (argv.includes('--kv') || argv.includes('--scenario=kv') || argv.includes('--compare-implementations')) return true;
  const i = argv.indexOf('--scenario');
  if (i >= 0 && argv[i + 1] === 'kv') return true;
  const bug = argv.indexOf('--bug');
  const id = bug >= 0 ? argv[bug + 1] : argv.find((x) => x.startsWith('--bug='))?.slice('--bug='.length);
  const entry = id === undefined ? undefined : findEntry(id);
  return entry !== undefined && isKv(entry);
}

export const KV_HELP = `popcheck check --kv [options]   (also: --scenario kv)

Explore the KV (RocksDB) POP service of RocketMQ 5.3.2+ (PopConsumerService, PopConsumerCache,
PopConsumerRocksdbStore; popConsumerKVServiceEnable): one group pops one queue; acks, changes
of invisible time, the cache cleanup and its revives, the RocksDB revive scanner and crashes
interleave within the bounds.

Options:
  --rocketmq RELEASE      ${KV_RELEASES.join(', ')} (default head)
  --messages N            messages in the queue (${KV_BOUND_LIMITS.messages.min}-${KV_BOUND_LIMITS.messages.max}, default 2)
  --pops N                pops that find messages (${KV_BOUND_LIMITS.pops.min}-${KV_BOUND_LIMITS.pops.max}, default 2)
  --batch N               messages a pop takes at most (${KV_BOUND_LIMITS.batch.min}-${KV_BOUND_LIMITS.batch.max}, default 1)
  --changes N             changes of invisible time (${KV_BOUND_LIMITS.changes.min}-${KV_BOUND_LIMITS.changes.max}, default 0)
  --crashes N             broker crashes (${KV_BOUND_LIMITS.crashes.min}-${KV_BOUND_LIMITS.crashes.max}, default 0)
  --retry-failures N      failed retry-topic writes (${KV_BOUND_LIMITS.retryFailures.min}-${KV_BOUND_LIMITS.retryFailures.max}, default 0)
  --set NAME=VALUE        ${Object.keys(KV_SETTABLE).join(', ')}
  --invariant NAME        check only these (repeatable): ${KV_INVARIANT_NAMES.join(', ')}
  --bug ID                a KV catalogue entry (popcheck bugs) on every release it affects and on
                          its fix, or "open at head": ${KV_CATALOGUE.map((f) => f.id).join(', ')}
                          (popcheck check --bug ID without --kv does the same)
  --trace-out FILE        write the first counterexample as a KV trace (with --bug: the buggy
                          run's); popcheck replay FILE replays it against the model
  --compare-implementations
                          run the same bounds (messages, pops, batch, changes, crashes,
                          retry failures; clients ack before the deadline) on the CK path
                          (scenario full) and on the KV service of one release, and report
                          each shared invariant on both (exit 1 when they differ)
  --max-states N          stop (incomplete) after N states
  --json                  the report as JSON
`;

export function parseKvArgs(argv: readonly string[]): KvCheckArgs {
  const { values: v } = parseFlags('check --kv', argv, {
    kv: { type: 'boolean' },
    scenario: { type: 'string' },
    rocketmq: { type: 'string' },
    messages: { type: 'string' },
    pops: { type: 'string' },
    batch: { type: 'string' },
    changes: { type: 'string' },
    crashes: { type: 'string' },
    'retry-failures': { type: 'string' },
    set: { type: 'string', multiple: true },
    invariant: { type: 'string', multiple: true },
    bug: { type: 'string' },
    'trace-out': { type: 'string' },
    'compare-implementations': { type: 'boolean' },
    'max-states': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (v.scenario !== undefined && v.scenario !== 'kv') throw new UsageError(`--scenario: ${String(v.scenario)} is not the KV model; drop --kv`);
  const bounds: Partial<Record<keyof KvBounds, number>> = {};
  for (const [key, lim] of Object.entries(KV_BOUND_LIMITS)) {
    const raw = v[lim.flag.slice(2)];
    if (raw === undefined) continue;
    if (typeof raw !== 'string' || !/^[0-9]+$/.test(raw)) throw new UsageError(`${lim.flag}: must be an integer from ${lim.min} to ${lim.max} (got '${String(raw)}')`);
    bounds[key as keyof KvBounds] = Number(raw);
  }
  const settings: Record<string, number | boolean> = {};
  for (const item of (v.set as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    const name = eq < 0 ? item : item.slice(0, eq);
    const raw = eq < 0 ? '' : item.slice(eq + 1);
    const type = (KV_SETTABLE as Record<string, string>)[name];
    if (type === undefined) throw new UsageError(`--set: unknown KV setting '${name}' (known: ${Object.keys(KV_SETTABLE).join(', ')})`);
    if (type === 'boolean') {
      if (raw !== 'true' && raw !== 'false') throw new UsageError(`--set ${name}: takes true or false, not '${raw}'`);
      settings[name] = raw === 'true';
    } else {
      if (!/^[0-9]+$/.test(raw) || (type === 'ms' && (Number(raw) < 1 || Number(raw) > 86_400_000))) {
        throw new UsageError(`--set ${name}: takes ${type === 'ms' ? 'a number of milliseconds from 1 to 86400000' : 'a whole number'}, not '${raw}'`);
      }
      settings[name] = Number(raw);
    }
  }
  const invariants = (v.invariant as string[] | undefined) ?? null;
  for (const name of invariants ?? []) {
    if (!(KV_INVARIANT_NAMES as readonly string[]).includes(name)) throw new UsageError(`--invariant: unknown KV invariant '${name}' (known: ${KV_INVARIANT_NAMES.join(', ')})`);
  }
  let maxStates: number | null = null;
  if (v['max-states'] !== undefined) {
    const raw = String(v['max-states']);
    if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--max-states: must be a positive integer (got '${raw}')`);
    maxStates = Number(raw);
  }
  const bug = v.bug === undefined ? null : String(v.bug);
  if (bug !== null) {
    const entry = findEntry(bug);
    if (!entry || !isKv(entry)) throw new UsageError(`--bug: unknown KV catalogue entry '${bug}' (known: ${KV_CATALOGUE.map((f) => f.id).join(', ')})`);
    const model = ['rocketmq', 'messages', 'set', 'invariant', 'max-states', ...Object.values(KV_BOUND_LIMITS).map((l) => l.flag.slice(2))].find((k) => v[k] !== undefined);
    if (model) throw new UsageError(`--bug runs the catalogue entry's own configuration; drop --${model}`);
  }
  const { messages, ...rest } = bounds;
  const identity: KvIdentity = {
    scenario: 'kv',
    messages: messages ?? KV_DEFAULTS.messages,
    rocketmq: v.rocketmq === undefined ? 'head' : String(v.rocketmq),
    ...(Object.keys(rest).length > 0 ? { bounds: rest } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    invariants: invariants as KvIdentity['invariants'],
  };
  if (bug === null) {
    const why = kvIdentityError(identity);
    if (why !== null) throw new UsageError(why);
  }
  const compare = v['compare-implementations'] === true;
  if (compare && bug !== null) throw new UsageError('--compare-implementations: not with --bug');
  if (compare && invariants !== null) throw new UsageError('--compare-implementations: compares the shared invariants; drop --invariant');
  const traceOut = v['trace-out'] === undefined ? null : String(v['trace-out']);
  if (compare && traceOut !== null) throw new UsageError('--trace-out: not with --compare-implementations');
  return { identity, json: v.json === true, maxStates, help: v.help === true, bug, compare, traceOut };
}

export interface KvReport {
  readonly verdict: string;
  readonly model: string;
  /** "Which model": the identity, and the `popcheck check` flags that name it. */
  readonly identity: KvIdentity;
  readonly flags: string;
  readonly rocketmq: string;
  readonly states: number;
  readonly transitions: number;
  readonly invariants: readonly string[];
  readonly violations: readonly { readonly invariant: string; readonly length: number; readonly steps: readonly string[] }[];
}

export interface KvRun {
  readonly report: KvReport;
  /** The first counterexample as a KV trace (traces/kv.ts), or null. */
  readonly trace: string | null;
}

export function runKvTraced(identity: KvIdentity, maxStates: number | null): KvRun {
  const model = new KvModel(identity);
  const r: CheckResult<Int32Array, KvEvent> = check(model, maxStates === null ? {} : { maxStates });
  const first = r.violations[0];
  return {
    report: {
      verdict: r.verdict,
      model: model.name,
      identity,
      flags: identityFlags(identity),
      rocketmq: identity.rocketmq,
      states: r.states,
      transitions: r.transitions,
      invariants: model.invariants.map((i) => i.name),
      violations: r.violations.map((v) => {
        const steps: string[] = [];
        let prev = v.counterexample.initial;
        for (const st of v.counterexample.steps) {
          steps.push(`${describeKvEvent(st.event, prev, model.ctx)}  => ${describeKvState(st.state, model.ctx)}`);
          prev = st.state;
        }
        return { invariant: v.invariant, length: v.length, steps };
      }),
    },
    trace: first ? writeKvTrace(identity, first.counterexample.initial, first.counterexample.steps) : null,
  };
}

export function runKv(identity: KvIdentity, maxStates: number | null): KvReport {
  return runKvTraced(identity, maxStates).report;
}

export function renderKv(r: KvReport): string {
  const lines = [`${r.model}: ${r.verdict} (${r.states} states, ${r.transitions} transitions; invariants: ${r.invariants.join(', ')})`];
  for (const v of r.violations) {
    lines.push(`violated: ${v.invariant} (${v.length} steps)`);
    v.steps.forEach((s, i) => lines.push(`  ${i + 1}. ${s}`));
  }
  return lines.join('\n');
}

export interface KvBugReport {
  readonly id: string;
  readonly title: string;
  readonly invariant: string;
  readonly fixedIn: string;
  /** One run per release the entry affects (expected violated, with the entry's shortest length), then the fixed run (expected holds). */
  readonly runs: readonly { readonly label: string; readonly expect: 'violated' | 'holds'; readonly report: KvReport }[];
  /** True when no release fixes it (the report says "open at head"). */
  readonly openAtHead: boolean;
  readonly outcome: 'as-expected' | 'not-as-expected';
  readonly asExpected: boolean;
}

/** `--bug kv-...`: the entry on every release it affects (violated) and on its fix (holds), or "open at head". */
export function runKvBug(id: string): { readonly report: KvBugReport; readonly trace: string | null } {
  const entry = findEntry(id);
  if (!entry || !isKv(entry)) throw new UsageError(`--bug: unknown KV catalogue entry '${id}'`);
  const runs: { label: string; expect: 'violated' | 'holds'; report: KvReport }[] = [];
  let trace: string | null = null;
  for (const rel of entry.affected) {
    const run = { ...entry.buggy, release: rel };
    const r = runKvTraced(entryIdentity(entry, run, [entry.invariant]) as KvIdentity, null);
    if (rel === entry.buggy.release) trace = r.trace;
    runs.push({ label: rel === entry.buggy.release ? entry.buggy.label : `${rel} (same configuration)`, expect: entry.expectBuggy, report: r.report });
  }
  if (entry.fixed !== null) {
    const r = runKv(entryIdentity(entry, entry.fixed, [entry.invariant]) as KvIdentity, null);
    runs.push({ label: entry.fixed.label, expect: 'holds', report: r });
  }
  const ok = runs.every((x) => x.report.verdict === x.expect && (x.expect === 'holds' || x.report.violations[0]?.length === entry.shortest));
  return {
    report: {
      id: entry.id,
      title: entry.title,
      invariant: entry.invariant,
      fixedIn: entry.fixedIn,
      runs,
      openAtHead: entry.fixed === null,
      outcome: ok ? 'as-expected' : 'not-as-expected',
      asExpected: ok,
    },
    trace,
  };
}

export function renderKvBug(b: KvBugReport): string {
  const lines = [`${b.id}: ${b.title}`, `breaks ${b.invariant}; fixed: ${b.fixedIn}`, ''];
  for (const r of b.runs) {
    lines.push(`[${r.label}] expected ${r.expect}; popcheck check ${r.report.flags}`);
    lines.push(renderKv(r.report), '');
  }
  if (b.openAtHead) lines.push('open at head: no release fixes it (every KV release the model covers is affected)');
  lines.push(b.asExpected ? 'as expected: the catalogue entry reproduces' : 'NOT as expected: the runs differ from the catalogue entry');
  return lines.join('\n');
}

/** The invariants both implementations check, with one meaning for the user. */
export const SHARED_INVARIANTS = ['acked-never-retried', 'no-loss', 'no-concurrent-redelivery', 'offsets-monotonic', 'commit-progress'] as const;

export interface CompareRow {
  readonly invariant: string;
  readonly ck: string;
  readonly kv: string;
}

export interface CompareReport {
  readonly rocketmq: string;
  readonly ck: { readonly model: string; readonly verdict: string; readonly states: number };
  readonly kv: { readonly model: string; readonly verdict: string; readonly states: number };
  readonly rows: readonly CompareRow[];
  readonly differ: boolean;
}

/**
 * `--compare-implementations`: the CK path's full scenario and the KV model with the same
 * client-side bounds on one release; each shared invariant's verdict on both.
 */
export function runCompare(identity: KvIdentity, maxStates: number | null): CompareReport {
  const b = { ...KV_DEFAULTS, ...(identity.bounds ?? {}), messages: identity.messages };
  const s = identity.settings ?? {};
  const ckSettings: Record<string, number | boolean> = {};
  for (const k of ['enablePopBufferMerge', 'popInvisibleTime', 'popCkStayBufferTime'] as const) if (s[k] !== undefined) ckSettings[k] = s[k];
  const ckId = {
    scenario: 'full',
    messages: b.messages,
    rocketmq: identity.rocketmq,
    bounds: { pops: b.pops, batch: b.batch, changes: b.changes, crashes: b.crashes, retryFailures: Math.min(b.retryFailures, 4) },
    ...(Object.keys(ckSettings).length > 0 ? { settings: ckSettings } : {}),
    invariants: [...SHARED_INVARIANTS],
  };
  let ckModel;
  try {
    ckModel = buildPopModel(ckId as ModelArgs);
  } catch (err) {
    if (err instanceof ModelArgsError) throw new UsageError(`--compare-implementations: the CK path refuses these bounds: ${err.message}`);
    throw err;
  }
  const opts = maxStates === null ? {} : { maxStates };
  const ck = check(ckModel, opts);
  const kvModel = new KvModel({ ...identity, invariants: [...SHARED_INVARIANTS] });
  const kv = check(kvModel, opts);
  const cell = (r: CheckResult<unknown, unknown>, name: string): string => {
    const v = r.violations.find((x) => x.invariant === name);
    if (v) return `violated (${v.length} steps)`;
    return r.complete ? 'holds' : 'not decided (incomplete)';
  };
  const rows = SHARED_INVARIANTS.map((name) => ({ invariant: name, ck: cell(ck, name), kv: cell(kv, name) }));
  return {
    rocketmq: identity.rocketmq,
    ck: { model: ckModel.name, verdict: ck.verdict, states: ck.states },
    kv: { model: kvModel.name, verdict: kv.verdict, states: kv.states },
    rows,
    differ: rows.some((r) => r.ck.split(' ')[0] !== r.kv.split(' ')[0]),
  };
}

export function renderCompare(r: CompareReport): string {
  const w = Math.max(...r.rows.map((x) => x.invariant.length), 'invariant'.length);
  const c = Math.max(...r.rows.map((x) => x.ck.length), 'CK path'.length);
  const lines = [
    `CK path: ${r.ck.model}: ${r.ck.verdict} (${r.ck.states} states)`,
    `KV path: ${r.kv.model}: ${r.kv.verdict} (${r.kv.states} states)`,
    '',
    `${'invariant'.padEnd(w)}  ${'CK path'.padEnd(c)}  KV path`,
    ...r.rows.map((x) => `${x.invariant.padEnd(w)}  ${x.ck.padEnd(c)}  ${x.kv}${x.ck.split(' ')[0] !== x.kv.split(' ')[0] ? '   <- differs' : ''}`),
    '',
    r.differ ? 'the guarantees differ (popcheck check --kv ... shows the KV counterexamples)' : 'the guarantees agree at these bounds',
  ];
  return lines.join('\n');
}
