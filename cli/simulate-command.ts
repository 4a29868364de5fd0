/**
 * `popcheck simulate`: write a random, valid pop.log (or its JSON Lines form) of N CKs.
 * The log itself comes from traces/simulate.ts; this file checks the flags and writes it.
 */
import type { SettingOverrides } from '../model/identity.js';
import { DEFAULT_RELEASE } from '../model/versions.js';
import { ModelArgsError } from '../model/factory.js';
import { CK_MAX_NUM, CkModels } from '../traces/ck-model.js';
import { popLogRefusal, type PopLogRelease } from '../traces/poplog-render.js';
import { INVISIBLE_TIMES, SIMULATE_DEFAULTS, simulate, type SimulateFormat, type SimulateOptions, type SimulateStats } from '../traces/simulate.js';
import { flagOf } from './args.js';
import { parseSetFlags } from './args.js';
import { parseFlags, UsageError, type FlagSpec } from './errors.js';

export const SIMULATE_FLAGS: Record<string, FlagSpec> = {
  seed: { type: 'string' },
  cks: { type: 'string' },
  rocketmq: { type: 'string' },
  'batch-ack': { type: 'boolean' },
  set: { type: 'string', multiple: true },
  format: { type: 'string' },
  out: { type: 'string' },
  topics: { type: 'string' },
  groups: { type: 'string' },
  queues: { type: 'string' },
  'revive-queues': { type: 'string' },
  start: { type: 'string' },
  batch: { type: 'string' },
  'no-pop-log': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/** Flag ranges. */
export const SIMULATE_LIMITS = {
  seed: { min: 0, max: 4_294_967_295 },
  cks: { min: 1, max: 10_000_000 },
  topics: { min: 1, max: 702 },
  groups: { min: 1, max: 702 },
  queues: { min: 1, max: 1024 },
  'revive-queues': { min: 1, max: 512 },
  /** Up to 2100-01-01. */
  start: { min: 0, max: 4_102_444_800_000 },
  batch: { min: 1, max: CK_MAX_NUM },
} as const;

export interface SimulateArgs {
  readonly options: SimulateOptions;
  /** The output path; `-` is standard output. */
  readonly out: string;
  readonly help: boolean;
}

function intFlag(name: keyof typeof SIMULATE_LIMITS, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const { min, max } = SIMULATE_LIMITS[name];
  if (!/^[+-]?[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got '${raw}')`);
  return Number(raw);
}

export function parseSimulateArgs(argv: readonly string[]): SimulateArgs {
  const v = parseFlags('simulate', argv, SIMULATE_FLAGS).values;
  const str = (k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const help = v.help === true;
  const release = str('rocketmq') ?? DEFAULT_RELEASE;
  const format = str('format') ?? SIMULATE_DEFAULTS.format;
  if (!help) {
    if (str('cks') === undefined) throw new UsageError('simulate needs --cks N (how many CKs to pop)');
    if (str('out') === undefined) throw new UsageError('simulate needs --out FILE (- for standard output)');
    if (format !== 'poplog' && format !== 'jsonl') throw new UsageError(`--format must be poplog or jsonl (got '${format}')`);
    const refusal = popLogRefusal(release);
    if (refusal !== null) throw new UsageError(`--rocketmq ${release}: ${refusal}`);
  }
  const settings = parseSetFlags(v.set);
  const options: SimulateOptions = {
    seed: intFlag('seed', str('seed'), SIMULATE_DEFAULTS.seed),
    cks: intFlag('cks', str('cks'), 1),
    release: release as PopLogRelease,
    batchAck: v['batch-ack'] === true,
    settings: settings as SettingOverrides,
    topics: intFlag('topics', str('topics'), SIMULATE_DEFAULTS.topics),
    groups: intFlag('groups', str('groups'), SIMULATE_DEFAULTS.groups),
    queues: intFlag('queues', str('queues'), SIMULATE_DEFAULTS.queues),
    reviveQueues: intFlag('revive-queues', str('revive-queues'), SIMULATE_DEFAULTS.reviveQueues),
    start: intFlag('start', str('start'), SIMULATE_DEFAULTS.start),
    batch: intFlag('batch', str('batch'), SIMULATE_DEFAULTS.batch),
    format: format as SimulateFormat,
    enablePopLog: v['no-pop-log'] !== true,
  };
  if (!help) checkModels(options);
  return { options, out: str('out') ?? '-', help };
}

/** Builds the CK models the run can use, so that a setting the model refuses is a usage error naming its flag before anything is written. */
function checkModels(o: SimulateOptions): void {
  const models = new CkModels(o.release, o.settings, o.batchAck);
  const times = o.settings.popInvisibleTime !== undefined ? [o.settings.popInvisibleTime] : INVISIBLE_TIMES;
  try {
    for (const it of times) models.get(o.batch, it);
  } catch (err) {
    if (err instanceof ModelArgsError) throw new UsageError(`${flagOf(err.path)}: ${err.message}`);
    throw err;
  }
}

/** Where the log goes: an open file, written chunk by chunk. */
export interface OutFile {
  write(s: string): void;
  close(): void;
}

/** Writes the simulated log to `out`; returns the counts. */
export function runSimulate(a: SimulateArgs, open: (path: string) => OutFile): SimulateStats {
  let file: OutFile;
  try {
    file = open(a.out);
  } catch (err) {
    throw new UsageError(`--out ${a.out}: cannot write: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const { chunks, stats } = simulate(a.options);
  let closed = false;
  try {
    for (const c of chunks) file.write(c);
    closed = true;
    file.close();
  } catch (err) {
    if (!closed) {
      try {
        file.close();
      } catch {
        // the first error is the one to report
      }
    }
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined) throw new UsageError(`--out ${a.out}: cannot write: ${code}`);
    throw err;
  }
  return stats;
}

/** The one-line summary for stderr. */
export function simulateSummary(a: SimulateArgs, s: SimulateStats): string {
  const capped = s.capped > 0 ? `, ${s.capped} stopped at the step cap` : '';
  const where = a.out === '-' ? 'standard output' : a.out;
  return `popcheck: simulate: ${s.cks} CKs, ${s.steps} model steps${capped}, ${s.lines} ${a.options.format === 'jsonl' ? 'JSONL' : 'pop.log'} lines (rocketmq ${a.options.release}, seed ${a.options.seed}) written to ${where}\n`;
}
