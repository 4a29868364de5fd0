/**
 * Strict argument parsing for `popcheck check`. Every mistake becomes a UsageError that
 * names the flag.
 */
import { parseArgs } from 'node:util';
import { INVARIANT_NAMES } from '../model/invariants.js';
import { MAX_MESSAGES } from '../model/scenarios/ack-flush.js';
import { findScenario, SCENARIOS } from '../model/scenarios/index.js';
import { parseSettingValue, type SettingName } from '../model/settings.js';
import { findRelease, RELEASES, DEFAULT_RELEASE } from '../model/versions.js';
import { MAX_WORKERS } from '../checker/parallel/limits.js';
import { UsageError } from './errors.js';

export interface CheckArgs {
  readonly scenario: string;
  readonly messages: number;
  readonly rocketmq: string;
  readonly batchAck: boolean;
  readonly overrides: Partial<Record<SettingName, boolean | number>>;
  readonly json: boolean;
  readonly maxStates: number | null;
  readonly timeoutSec: number | null;
  readonly symmetry: boolean;
  readonly invariants: readonly string[] | null;
  readonly stopAtFirst: boolean;
  readonly withStates: boolean;
  /** Threads that explore (1: the sequential explorer). */
  readonly workers: number;
  readonly help: boolean;
}

function positiveInt(flag: string, raw: string | undefined, max = Number.MAX_SAFE_INTEGER): number | null {
  if (raw === undefined) return null;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw new UsageError(`${flag} must be an integer from 1 to ${max} (got '${raw}')`);
  }
  return Number(raw);
}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  let parsed;
  try {
    parsed = parseArgs({
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
        timeout: { type: 'string' },
        'no-symmetry': { type: 'boolean' },
        invariant: { type: 'string', multiple: true },
        'stop-at-first': { type: 'boolean' },
        'with-states': { type: 'boolean' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0].replace(/^Unknown option/, 'unknown option'));
  }
  const v = parsed.values;
  const scenario = v.scenario ?? 'ack-flush';
  if (!findScenario(scenario)) {
    throw new UsageError(`--scenario: unknown scenario '${scenario}' (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  }
  const rocketmq = v.rocketmq ?? DEFAULT_RELEASE;
  if (!findRelease(rocketmq)) {
    throw new UsageError(`--rocketmq: unknown release '${rocketmq}' (known: ${RELEASES.map((r) => r.name).join(', ')})`);
  }
  const messages = positiveInt('--messages', v.messages, MAX_MESSAGES) ?? 3;
  const overrides: Partial<Record<SettingName, boolean | number>> = {};
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
    rocketmq,
    batchAck: v['batch-ack'] ?? false,
    overrides,
    json: v.json ?? false,
    maxStates: positiveInt('--max-states', v['max-states']),
    timeoutSec,
    symmetry: !(v['no-symmetry'] ?? false),
    invariants,
    stopAtFirst: v['stop-at-first'] ?? false,
    withStates: v['with-states'] ?? false,
    workers: positiveInt('--workers', v.workers, MAX_WORKERS) ?? 1,
    help: v.help ?? false,
  };
}
