/**
 * Strict argument parsing for `popcheck check`. Every mistake becomes a UsageError that
 * names the flag.
 */
import { parseArgs } from 'node:util';
import { INVARIANT_NAMES } from '../model/invariants.js';
import { MAX_MESSAGES } from '../model/scenarios/ack-flush.js';
import { findScenario, SCENARIOS } from '../model/scenarios/index.js';
import type { FullBounds } from '../model/scenarios/full.js';
import { CATALOGUE, findEntry } from '../model/catalogue.js';
import { parseSettingValue, type SettingName, type SettingValue } from '../model/settings.js';
import { findRelease, RELEASES, DEFAULT_RELEASE } from '../model/versions.js';
import { MAX_WORKERS } from '../checker/parallel/limits.js';
import { UsageError, usageFromParse } from './errors.js';

export interface CheckArgs {
  readonly scenario: string;
  readonly messages: number;
  /** Bounds of the full scenario given on the command line. */
  readonly bounds: Partial<FullBounds>;
  readonly rocketmq: string;
  readonly batchAck: boolean;
  readonly overrides: Partial<Record<SettingName, SettingValue>>;
  readonly json: boolean;
  readonly maxStates: number | null;
  readonly timeoutSec: number | null;
  /** `--max-memory MB`: stop (incomplete) when the process uses more. */
  readonly maxMemoryMb: number | null;
  readonly symmetry: boolean;
  readonly invariants: readonly string[] | null;
  readonly stopAtFirst: boolean;
  readonly withStates: boolean;
  /** Threads that explore (1: the sequential explorer). */
  readonly workers: number;
  readonly help: boolean;
  /** `--bug ID`: run a catalogue entry instead of the scenario flags. */
  readonly bug: string | null;
  /** `--trace-out FILE`: write the counterexample as a JSON Lines trace. */
  readonly traceOut: string | null;
}

function positiveInt(flag: string, raw: string | undefined, max = Number.MAX_SAFE_INTEGER): number | null {
  if (raw === undefined) return null;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`${flag} must be an integer from 1 to ${max} (got '${raw}')`);
  }
  return Number(raw);
}

/** Flags of the full scenario's bounds: flag -> [bound, kind, max]. */
const COUNT_FLAGS: Record<string, [keyof FullBounds, number]> = {
  queues: ['queues', 4],
  pops: ['pops', 16],
  batch: ['batch', 32],
  acks: ['acks', 64],
  'pops-until': ['popsUntil', 86_400_000],
  horizon: ['horizon', 86_400_000],
  'dup-acks': ['dupAcks', 8],
  'late-acks': ['lateAcks', 8],
  changes: ['changes', 8],
  'store-failures': ['storeFailures', 8],
  'retry-failures': ['retryFailures', 4],
  'slow-scans': ['slowScans', 8],
  crashes: ['crashes', 4],
  'role-changes': ['roleChanges', 4],
  produce: ['produce', 8],
  expire: ['expire', 8],
  gc: ['gc', 4],
};
const BOOL_FLAGS: Record<string, keyof FullBounds> = {
  'pop-lag': 'popLag',
  'timer-lag': 'timerLag',
  'scan-stalls': 'scanStalls',
};
const LIST_FLAGS: Record<string, keyof FullBounds> = { 'queue-ids': 'queueIds', 'first-offsets': 'firstOffsets' };

const BOUND_OPTIONS = Object.fromEntries([
  ...Object.keys(COUNT_FLAGS).map((f) => [f, { type: 'string' as const }]),
  ...Object.keys(BOOL_FLAGS).map((f) => [f, { type: 'boolean' as const }]),
  ...Object.keys(LIST_FLAGS).map((f) => [f, { type: 'string' as const }]),
]);

function zeroOrMore(flag: string, raw: string, max: number): number {
  if (!/^[0-9]+$/.test(raw) || Number(raw) > max) throw new UsageError(`${flag} must be an integer from 0 to ${max} (got '${raw}')`);
  return Number(raw);
}

function parseBounds(v: Record<string, unknown>, scenario: string, takesBounds: boolean): Partial<FullBounds> {
  const bounds: Record<string, unknown> = {};
  const given: string[] = [];
  for (const [flag, [key, max]] of Object.entries(COUNT_FLAGS)) {
    const raw = v[flag];
    if (typeof raw !== 'string') continue;
    given.push(flag);
    const n = zeroOrMore(`--${flag}`, raw, max);
    if ((key === 'queues' || key === 'pops' || key === 'batch') && n < 1) throw new UsageError(`--${flag} must be at least 1 (got '${raw}')`);
    bounds[key] = n;
  }
  for (const [flag, key] of Object.entries(BOOL_FLAGS)) {
    if (v[flag] === true) {
      given.push(flag);
      bounds[key] = true;
    }
  }
  for (const [flag, key] of Object.entries(LIST_FLAGS)) {
    const raw = v[flag];
    if (typeof raw !== 'string') continue;
    given.push(flag);
    if (!/^[0-9]+(,[0-9]+)*$/.test(raw)) throw new UsageError(`--${flag} takes comma-separated integers (got '${raw}')`);
    bounds[key] = raw.split(',').map(Number);
  }
  if (given.length > 0 && !takesBounds) throw new UsageError(`--${given[0]} applies to --scenario full, not ${scenario}`);
  const q = (bounds.queues as number | undefined) ?? 1;
  for (const [flag, key] of Object.entries(LIST_FLAGS)) {
    const list = bounds[key] as number[] | undefined;
    if (list && list.length < q) throw new UsageError(`--${flag} needs one value per queue (${q})`);
  }
  return bounds as Partial<FullBounds>;
}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const parsed = usageFromParse(() =>
    parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        scenario: { type: 'string' },
        messages: { type: 'string' },
        rocketmq: { type: 'string' },
        'batch-ack': { type: 'boolean' },
        set: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        'max-states': { type: 'string' },
        'max-memory': { type: 'string' },
        timeout: { type: 'string' },
        'no-symmetry': { type: 'boolean' },
        invariant: { type: 'string', multiple: true },
        'stop-at-first': { type: 'boolean' },
        'with-states': { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        bug: { type: 'string' },
        'trace-out': { type: 'string' },
        ...BOUND_OPTIONS,
      },
    }),
  );
  const raw = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const str = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
  const bool = (k: string): boolean => raw[k] === true;
  const list = (k: string): string[] | undefined => (Array.isArray(raw[k]) ? (raw[k] as string[]) : undefined);
  const v = {
    scenario: str('scenario'),
    rocketmq: str('rocketmq'),
    messages: str('messages'),
    set: list('set'),
    timeout: str('timeout'),
    invariant: list('invariant'),
    'batch-ack': bool('batch-ack'),
    json: bool('json'),
    'max-states': str('max-states'),
    'max-memory': str('max-memory'),
    'no-symmetry': bool('no-symmetry'),
    'stop-at-first': bool('stop-at-first'),
    'with-states': bool('with-states'),
    help: bool('help'),
    bug: str('bug'),
    'trace-out': str('trace-out'),
    workers: str('workers'),
  };
  if (v.bug !== undefined) {
    const model = ['scenario', 'rocketmq', 'messages', 'set', 'batch-ack', 'invariant', ...Object.keys(BOUND_OPTIONS)].find((k) => raw[k] !== undefined);
    if (model) throw new UsageError(`--bug runs the catalogue entry's own configuration; drop --${model}`);
    if (!findEntry(v.bug)) throw new UsageError(`--bug: unknown catalogue entry '${v.bug}' (known: ${CATALOGUE.map((e) => e.id).join(', ')})`);
  }
  const scenario = v.scenario ?? 'ack-flush';
  if (!findScenario(scenario)) {
    throw new UsageError(`--scenario: unknown scenario '${scenario}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  const rocketmq = v.rocketmq ?? DEFAULT_RELEASE;
  if (!findRelease(rocketmq)) {
    throw new UsageError(`--rocketmq: unknown release '${rocketmq}' (known: ${RELEASES.map((r) => r.name).join(', ')})`);
  }
  const def = findScenario(scenario)!;
  const messages = positiveInt('--messages', v.messages, def.takesBounds ? 16 : MAX_MESSAGES) ?? def.defaultMessages;
  const bounds = parseBounds(raw, scenario, def.takesBounds);
  const overrides: Partial<Record<SettingName, SettingValue>> = {};
  for (const item of v.set ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects name=value (got '${item}')`);
    const r = parseSettingValue(item.slice(0, eq), item.slice(eq + 1));
    if (!r.ok) throw new UsageError(`--set: ${r.error}`);
    overrides[r.name] = r.value;
  }
  let timeoutSec: number | null = null;
  if (v.timeout !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(v.timeout) || Number(v.timeout) <= 0) {
      throw new UsageError(`--timeout must be a positive number of seconds (got '${v.timeout}')`);
    }
    timeoutSec = Number(v.timeout);
  }
  const invariants = v.invariant ?? null;
  for (const name of invariants ?? []) {
    if (!(INVARIANT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--invariant: unknown invariant '${name}' (known: ${INVARIANT_NAMES.join(', ')})`);
    }
  }
  return {
    scenario,
    messages,
    bounds,
    rocketmq,
    batchAck: v['batch-ack'] ?? false,
    overrides,
    json: v.json ?? false,
    maxStates: positiveInt('--max-states', v['max-states']),
    maxMemoryMb: positiveInt('--max-memory', v['max-memory'], 1 << 20),
    timeoutSec,
    symmetry: !(v['no-symmetry'] ?? false),
    invariants,
    stopAtFirst: v['stop-at-first'] ?? false,
    withStates: v['with-states'] ?? false,
    workers: positiveInt('--workers', v.workers, MAX_WORKERS) ?? 1,
    help: v.help ?? false,
    bug: v.bug ?? null,
    traceOut: v['trace-out'] ?? null,
  };
}
