/**
 * "Which model": the one description of a model that every entry point builds from. The CLI
 * flags of `popcheck check`, a trace's header (traces/format.ts), the catalogue's
 * reproductions (model/catalogue.ts), the parallel explorer's workers (model/factory.ts's
 * `createModel`), the REPL and the tests all give a ModelIdentity, checked by this one zod
 * schema: the same limits everywhere (the CLI's flag ranges are the bounds' min/max here),
 * and every number the model cannot represent exactly refused (model/limits.ts).
 *
 * An issue's `path` names the field (`bounds.retryFailures`, `settings.popInvisibleTime`);
 * the CLI turns it into the flag (`--retry-failures`, `--set`), the trace reader into
 * `file:line`.
 */
// The zod schema is identity-schema.ts, loaded where an identity comes in from outside (the
// CLI's flags, a trace header, a worker's arguments parsed by model/factory.ts): building a
// model from a parsed identity does not load zod. The types are the schema's, through
// type-only imports that the compiler erases.
import type { z } from 'zod';
import type { BoundsSchema, ModelIdentitySchema, SettingOverridesSchema } from './identity-schema.js';
import { MAX_MESSAGES } from './scenarios/ack-flush.js';
import type { FullBounds } from './scenarios/full.js';
import { MAX_SETTING_MS } from './limits.js';
import type { KvEntryBounds, KvIdentity, KvSettingOverrides } from './kv/identity.js';

/** Messages of each scenario (ack-flush: in the pop; full: per queue). */
export const MESSAGES_LIMIT: Readonly<Record<string, { readonly min: number; readonly max: number }>> = {
  'ack-flush': { min: 1, max: MAX_MESSAGES },
  full: { min: 1, max: 16 },
};

type CountBound = Exclude<keyof FullBounds, 'messages' | 'popLag' | 'timerLag' | 'scanStalls' | 'cqLag' | 'queueIds' | 'firstOffsets'>;

/** The full scenario's numeric bounds: min and max (the CLI's flag ranges). */
export const COUNT_BOUNDS: Readonly<Record<CountBound, { readonly min: number; readonly max: number }>> = {
  queues: { min: 1, max: 4 },
  pops: { min: 1, max: 16 },
  batch: { min: 1, max: 32 },
  acks: { min: 0, max: 64 },
  popsUntil: { min: 0, max: MAX_SETTING_MS },
  horizon: { min: 0, max: MAX_SETTING_MS },
  dupAcks: { min: 0, max: 8 },
  lateAcks: { min: 0, max: 8 },
  changes: { min: 0, max: 8 },
  staleHandles: { min: 0, max: 8 },
  storeFailures: { min: 0, max: 8 },
  retryFailures: { min: 0, max: 4 },
  readFailures: { min: 0, max: 4 },
  slowScans: { min: 0, max: 8 },
  crashes: { min: 0, max: 4 },
  roleChanges: { min: 0, max: 4 },
  produce: { min: 0, max: 8 },
  expire: { min: 0, max: 8 },
  gc: { min: 0, max: 4 },
  unreadable: { min: 0, max: 4 },
};
export const BOOL_BOUNDS = ['popLag', 'timerLag', 'scanStalls', 'cqLag'] as const;
export const LIST_BOUNDS = ['queueIds', 'firstOffsets'] as const;
export const MAX_QUEUES = COUNT_BOUNDS.queues.max;

export type Bounds = z.infer<typeof BoundsSchema>;
export type SettingOverrides = z.infer<typeof SettingOverridesSchema>;
export type ModelIdentity = z.infer<typeof ModelIdentitySchema>;

/** A zod issue as "path: message" (path dotted; empty at the root). */
export function issueText(issue: { readonly path: readonly PropertyKey[]; readonly message: string }): string {
  return `${issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : ''}${issue.message}`;
}

/** The catalogue's way of naming a model: an entry's reproduction on one of its runs. */
export interface Reproduction {
  readonly scenario: 'ack-flush' | 'full';
  readonly messages: number;
  readonly bounds?: Bounds;
  readonly batchAck?: boolean;
  readonly settings?: SettingOverrides;
}
export interface ReproductionRun {
  readonly release: string;
  readonly overrides?: SettingOverrides;
  readonly bounds?: Bounds;
}

/** The identity of a catalogue entry's run (the entry's settings and bounds, then the run's). */
export function reproductionIdentity(e: Reproduction, run: ReproductionRun, invariants: readonly string[] | null): ModelIdentity {
  const bounds = { ...(e.bounds ?? {}), ...(run.bounds ?? {}) };
  const settings = { ...(e.settings ?? {}), ...(run.overrides ?? {}) };
  return {
    scenario: e.scenario,
    messages: e.messages,
    rocketmq: run.release,
    ...(e.batchAck ? { batchAck: true } : {}),
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(bounds).length > 0 ? { bounds } : {}),
    invariants: invariants as ModelIdentity['invariants'],
  };
}

/**
 * "Which model" for either implementation: the CK path's identity (scenario ack-flush or
 * full) or the KV service's (scenario kv, model/kv/identity.ts). The CLI's flags, a trace's
 * header and the catalogue's reproductions are each one of these.
 */
export type AnyIdentity = ModelIdentity | KvIdentity;

export const isKvIdentity = (id: { readonly scenario: string }): id is KvIdentity => id.scenario === 'kv';

/** The identity of a KV catalogue entry's run (the entry's settings and bounds, then the run's). */
export function kvReproductionIdentity(
  e: { readonly messages: number; readonly bounds?: KvEntryBounds; readonly settings?: KvSettingOverrides },
  run: { readonly release: string; readonly overrides?: KvSettingOverrides; readonly bounds?: KvEntryBounds },
  invariants: readonly string[] | null,
): KvIdentity {
  const bounds = { ...(e.bounds ?? {}), ...(run.bounds ?? {}) };
  const settings = { ...(e.settings ?? {}), ...(run.overrides ?? {}) };
  return {
    scenario: 'kv',
    messages: e.messages,
    rocketmq: run.release,
    ...(Object.keys(settings).length > 0 ? { settings } : {}),
    ...(Object.keys(bounds).length > 0 ? { bounds } : {}),
    invariants: invariants as KvIdentity['invariants'],
  };
}

/** `popsUntil` -> `--pops-until`. */
const flagName = (key: string): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/**
 * The `popcheck check` flags that name this model (scenario, messages, bounds, batch ack,
 * settings, invariants, release): what the catalogue prints as an entry's reproduction, and
 * what `check` parses back into the same identity.
 */
export function identityFlags(id: AnyIdentity): string {
  const flags: string[] = [`--scenario ${id.scenario}`, `--messages ${id.messages}`];
  for (const [k, v] of Object.entries(id.bounds ?? {}) as [string, unknown][]) flags.push(v === true ? flagName(k) : `${flagName(k)} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  if (!isKvIdentity(id) && id.batchAck) flags.push('--batch-ack');
  for (const [k, v] of Object.entries(id.settings ?? {})) flags.push(`--set ${k}=${String(v)}`);
  for (const n of id.invariants ?? []) flags.push(`--invariant ${n}`);
  flags.push(`--rocketmq ${id.rocketmq}`);
  return flags.join(' ');
}
