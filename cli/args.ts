/**
 * Strict argument parsing for `popcheck check`. The flags that name the model become a
 * ModelIdentity checked by model/identity.ts (the same schema a trace header and the
 * workers use); every mistake becomes a UsageError that names the flag.
 */
import { BOOL_BOUNDS, COUNT_BOUNDS, LIST_BOUNDS, MESSAGES_LIMIT, type ModelIdentity } from '../model/identity.js';
import { ModelIdentitySchema } from '../model/identity-schema.js';
import { CATALOGUE, findEntry } from '../model/catalogue.js';
import { findScenario } from '../model/scenarios/index.js';
import { parseSettingValue } from '../model/settings.js';
import { DEFAULT_RELEASE } from '../model/versions.js';
import { popLogRefusal } from '../traces/poplog-releases.js';
import { MAX_WORKERS } from '../checker/parallel/limits.js';
import { parseFlags, UsageError, type FlagSpec } from './errors.js';

export interface CheckArgs {
  /** Which model (validated). */
  readonly model: ModelIdentity;
  readonly json: boolean;
  readonly maxStates: number | null;
  readonly timeoutSec: number | null;
  /** `--max-memory MB`: stop (incomplete) when the process uses more. */
  readonly maxMemoryMb: number | null;
  readonly symmetry: boolean;
  readonly stopAtFirst: boolean;
  readonly withStates: boolean;
  /** Threads that explore (1: the sequential explorer). */
  readonly workers: number;
  readonly help: boolean;
  /** `--bug ID`: run a catalogue entry instead of the scenario flags. */
  readonly bug: string | null;
  /** `--trace-out FILE`: write the counterexample as a JSON Lines trace. */
  readonly traceOut: string | null;
  /** `--trace-format`: what --trace-out writes: popcheck's trace (replayable), pop.log text, or pop.log's JSON Lines form. */
  readonly traceFormat: TraceFormat;
  /** `--itf FILE`: write the counterexample as an ITF trace (Apalache ADR-015). */
  readonly itf: string | null;
  /** `--mermaid FILE`: write the counterexample as a Mermaid sequence diagram. */
  readonly mermaid: string | null;
  /** `--graph FILE.svg|FILE.dot`: write the whole (small) state graph. */
  readonly graph: string | null;
  /** `--spill-dir DIR`: keep the visited set and the queue on disk under DIR (checker/spill.ts). */
  readonly spillDir: string | null;
  /** `--spill-buffer N`: successors held in memory between two merges with the visited set on disk. */
  readonly spillBuffer: number;
}

/** Successors a spilled run holds in memory between two merges, unless --spill-buffer says otherwise. */
export const SPILL_BUFFER_DEFAULT = 1_000_000;

export const TRACE_FORMATS = ['trace', 'poplog', 'jsonl'] as const;
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** `popsUntil` -> `pops-until`. */
export const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The flag of a field of the model identity. */
export function flagOf(path: readonly PropertyKey[]): string {
  const [head, sub] = path.map(String);
  switch (head) {
    case 'batchAck':
      return '--batch-ack';
    case 'settings':
      return '--set';
    case 'invariants':
      return '--invariant';
    case 'bounds':
      return sub === undefined ? '--scenario' : `--${kebab(sub)}`;
    default:
      return `--${head}`;
  }
}

const BOUND_FLAGS: Record<string, FlagSpec> = Object.fromEntries([
  ...Object.keys(COUNT_BOUNDS).map((k) => [kebab(k), { type: 'string' }]),
  ...BOOL_BOUNDS.map((k) => [kebab(k), { type: 'boolean' }]),
  ...LIST_BOUNDS.map((k) => [kebab(k), { type: 'string' }]),
]);

export const CHECK_FLAGS: Record<string, FlagSpec> = {
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
  'trace-format': { type: 'string' },
  itf: { type: 'string' },
  mermaid: { type: 'string' },
  graph: { type: 'string' },
  'spill-dir': { type: 'string' },
  'spill-buffer': { type: 'string' },
  ...BOUND_FLAGS,
};

/** An integer flag's text as a number; anything but an optionally signed integer is refused here. */
function intText(flag: string, raw: string, min: number, max: number): number {
  if (!/^[+-]?[0-9]+$/.test(raw)) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got '${raw}')`);
  return Number(raw);
}

/** A flag outside the model identity, e.g. --workers: checked here. */
export function intFlag(flag: string, raw: string | undefined, min: number, max: number): number | null {
  if (raw === undefined) return null;
  const n = intText(flag, raw, min, max);
  if (n < min || n > max) throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got '${raw}')`);
  return n;
}

/** Validates a model identity built from flags; the first problem names its flag. */
export function checkIdentity(candidate: unknown): ModelIdentity {
  const r = ModelIdentitySchema.safeParse(candidate);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const flag = flagOf(issue.path);
  const item = issue.path[0] === 'bounds' && typeof issue.path[2] === 'number' ? ` (value ${issue.path[2] + 1})` : '';
  // A number from the command line is quoted as the user typed it.
  const message = issue.message.replace(/\(got (-?[0-9][0-9.e+]*)\)$/, "(got '$1')");
  if (issue.path[0] === 'settings') {
    const name = issue.path[1] === undefined ? '' : String(issue.path[1]);
    return fail(`--set: ${name && !message.includes(name) ? `${name} ` : ''}${message}`);
  }
  const sep = /^(must|needs|applies)\b/.test(message) ? ' ' : ': ';
  return fail(`${flag}${item}${sep}${message}`);
}

function fail(message: string): never {
  throw new UsageError(message);
}

/** The values of repeated `--set name=value` flags, each checked against its setting's type. */
export function parseSetFlags(items: unknown): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const item of (items as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set expects name=value (got '${item}')`);
    const r = parseSettingValue(item.slice(0, eq), item.slice(eq + 1));
    if (!r.ok) throw new UsageError(`--set: ${r.error}`);
    settings[r.name] = r.value;
  }
  return settings;
}

export function modelFromFlags(v: ParsedValues): ModelIdentity {
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const scenario = str('scenario') ?? 'ack-flush';
  const def = findScenario(scenario);
  const lim = MESSAGES_LIMIT[scenario] ?? { min: 1, max: 32 };
  const messagesRaw = str('messages');
  const messages = messagesRaw === undefined ? (def?.defaultMessages ?? 3) : intText('--messages', messagesRaw, lim.min, lim.max);
  const settings = parseSetFlags(v.set);
  const bounds: Record<string, unknown> = {};
  for (const [key, { min, max }] of Object.entries(COUNT_BOUNDS)) {
    const raw = str(kebab(key));
    if (raw !== undefined) bounds[key] = intText(`--${kebab(key)}`, raw, min, max);
  }
  for (const key of BOOL_BOUNDS) if (v[kebab(key)] === true) bounds[key] = true;
  for (const key of LIST_BOUNDS) {
    const raw = str(kebab(key));
    if (raw === undefined) continue;
    if (!/^[+-]?[0-9]+(,[+-]?[0-9]+)*$/.test(raw)) throw new UsageError(`--${kebab(key)} takes comma-separated integers (got '${raw}')`);
    bounds[key] = raw.split(',').map(Number);
  }
  const invariants = (v.invariant as string[] | undefined) ?? null;
  return checkIdentity({
    scenario,
    messages,
    rocketmq: str('rocketmq') ?? DEFAULT_RELEASE,
    ...(v['batch-ack'] === true ? { batchAck: true } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(bounds).length > 0 ? { bounds } : {}),
    invariants,
  });
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/** Flags that name the model (refused with --bug, which runs the entry's own model). */
export const MODEL_FLAGS = ['scenario', 'rocketmq', 'messages', 'set', 'batch-ack', 'invariant', ...Object.keys(BOUND_FLAGS)];

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const v = parseFlags('check', argv, CHECK_FLAGS).values;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const bool = (k: string): boolean => v[k] === true;
  const help = bool('help');
  const bug = str('bug') ?? null;
  if (bug !== null) {
    const model = MODEL_FLAGS.find((k) => v[k] !== undefined);
    if (model) throw new UsageError(`--bug runs the catalogue entry's own configuration; drop --${model}`);
    if (!findEntry(bug)) throw new UsageError(`--bug: unknown catalogue entry '${bug}' (known: ${CATALOGUE.map((e) => e.id).join(', ')})`);
  }
  // With --bug the model comes from the entry (bug-command.ts); this default is never run.
  const model = help || bug !== null ? { scenario: 'ack-flush', messages: 3, rocketmq: DEFAULT_RELEASE } : modelFromFlags(v);
  let timeoutSec: number | null = null;
  const timeout = str('timeout');
  if (timeout !== undefined) {
    if (!/^[0-9]+(\.[0-9]+)?$/.test(timeout) || Number(timeout) <= 0 || Number(timeout) > 31_536_000) {
      throw new UsageError(`--timeout must be a positive number of seconds, at most 31536000 (got '${timeout}')`);
    }
    timeoutSec = Number(timeout);
  }
  const traceOut = str('trace-out') ?? null;
  const traceFormat = str('trace-format') ?? 'trace';
  if (!(TRACE_FORMATS as readonly string[]).includes(traceFormat)) throw new UsageError(`--trace-format must be one of ${TRACE_FORMATS.join(', ')} (got '${traceFormat}')`);
  if (str('trace-format') !== undefined && traceOut === null && !help) throw new UsageError('--trace-format says what --trace-out writes: give --trace-out FILE too');
  if (traceFormat !== 'trace' && !help) {
    const release = bug !== null ? findEntry(bug)!.buggy.release : model.rocketmq;
    const refusal = popLogRefusal(release);
    if (refusal !== null) throw new UsageError(`--trace-format ${traceFormat}: ${refusal}${bug !== null ? ` (the buggy run of --bug ${bug} is ${release})` : ''}`);
  }
  const graph = str('graph') ?? null;
  if (graph !== null && !/\.(svg|dot)$/i.test(graph)) throw new UsageError(`--graph writes FILE.svg or FILE.dot (got '${graph}')`);
  const spillDir = str('spill-dir') ?? null;
  if (spillDir === '') throw new UsageError('--spill-dir needs a directory');
  const spillBuffer = intFlag('--spill-buffer', str('spill-buffer'), 1, 1 << 30);
  if (spillBuffer !== null && spillDir === null) throw new UsageError('--spill-buffer sizes the buffer of --spill-dir: give --spill-dir DIR too');
  const workers = intFlag('--workers', str('workers'), 1, MAX_WORKERS) ?? 1;
  if (spillDir !== null && workers > 1) throw new UsageError('--spill-dir explores with one thread: drop --workers');
  return {
    model,
    json: bool('json'),
    maxStates: intFlag('--max-states', str('max-states'), 1, Number.MAX_SAFE_INTEGER),
    maxMemoryMb: intFlag('--max-memory', str('max-memory'), 1, 1 << 20),
    timeoutSec,
    symmetry: !bool('no-symmetry'),
    stopAtFirst: bool('stop-at-first'),
    withStates: bool('with-states'),
    workers,
    help,
    bug,
    traceOut,
    traceFormat: traceFormat as TraceFormat,
    itf: str('itf') ?? null,
    mermaid: str('mermaid') ?? null,
    graph,
    spillDir,
    spillBuffer: spillBuffer ?? SPILL_BUFFER_DEFAULT,
  };
}
