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
import { z } from 'zod';
import { resolveSettings } from './config.js';
import { INVARIANT_NAMES } from './invariants.js';
import { intIn, MAX_QUEUE_ID, MAX_SETTING_MS, OFFSET_LIMIT } from './limits.js';
import { ackFlushSettingsError, MAX_MESSAGES } from './scenarios/ack-flush.js';
import { FULL_DEFAULTS, type FullBounds } from './scenarios/full.js';
import { SCENARIOS } from './scenarios/index.js';
import { SETTING_INFO, SettingsSchema, type Settings } from './settings.js';
import { RELEASES } from './versions.js';
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
const MAX_QUEUES = COUNT_BOUNDS.queues.max;

export const BoundsSchema = z
  .object({
    ...(Object.fromEntries(Object.entries(COUNT_BOUNDS).map(([k, { min, max }]) => [k, intIn(min, max).optional()])) as Record<
      CountBound,
      z.ZodOptional<z.ZodNumber>
    >),
    popLag: z.boolean().optional(),
    timerLag: z.boolean().optional(),
    scanStalls: z.boolean().optional(),
    cqLag: z.boolean().optional(),
    queueIds: z.array(intIn(0, MAX_QUEUE_ID)).min(1).max(MAX_QUEUES).readonly().optional(),
    firstOffsets: z.array(intIn(0, OFFSET_LIMIT - 1)).min(1).max(MAX_QUEUES).readonly().optional(),
  })
  .strict();
export type Bounds = z.infer<typeof BoundsSchema>;

/** Setting overrides: the settings' own schema, times at most MAX_SETTING_MS. */
export const SettingOverridesSchema = SettingsSchema.partial()
  .strict()
  .superRefine((o, ctx) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number' && v > MAX_SETTING_MS) ctx.addIssue({ code: 'custom', path: [k], message: `must be at most ${MAX_SETTING_MS} ms (got ${v})` });
    }
  });
export type SettingOverrides = z.infer<typeof SettingOverridesSchema>;

const known = (what: string, names: readonly string[]) =>
  z.string().refine((v) => names.includes(v), { error: (iss) => `unknown ${what} '${String(iss.input)}' (known: ${names.join(', ')})` });

/** The fields of a model identity, without the checks across fields (a trace header extends them). */
export const IDENTITY_FIELDS = {
  scenario: known('scenario', SCENARIOS.map((s) => s.name)),
  messages: z.number().int(),
  rocketmq: known('release', RELEASES.map((r) => r.name)),
  batchAck: z.boolean().optional(),
  /** Setting overrides on top of the release's (`--set name=value`). */
  settings: SettingOverridesSchema.optional(),
  /** Bounds of the full scenario. */
  bounds: BoundsSchema.optional(),
  /** Check only these invariants (null or absent: the default set). */
  invariants: z
    .array(z.enum(INVARIANT_NAMES, { error: (iss) => `unknown invariant '${String(iss.input)}' (known: ${INVARIANT_NAMES.join(', ')})` }))
    .readonly()
    .nullable()
    .optional(),
};

type IdentityFields = {
  readonly scenario: string;
  readonly messages: number;
  readonly rocketmq: string;
  readonly batchAck?: boolean;
  readonly settings?: SettingOverrides;
  readonly bounds?: Bounds;
};

/** The checks across fields: messages per scenario, bounds only for full, offsets below 2^30, settings that resolve. */
export function refineIdentity(a: IdentityFields, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => ctx.addIssue({ code: 'custom', path, message });
  const lim = MESSAGES_LIMIT[a.scenario];
  if (!lim) return; // the scenario itself is reported
  if (a.messages < lim.min || a.messages > lim.max) {
    issue(['messages'], `must be an integer from ${lim.min} to ${lim.max} (got ${a.messages})`);
    return;
  }
  const b = a.bounds ?? {};
  const given = Object.keys(b);
  if (a.scenario !== 'full' && given.length > 0) {
    issue(['bounds', given[0]], `applies to the full scenario, not ${a.scenario}`);
    return;
  }
  if (a.scenario === 'full') {
    const queues = b.queues ?? FULL_DEFAULTS.queues;
    for (const key of LIST_BOUNDS) {
      const list = b[key];
      if (list && list.length < queues) issue(['bounds', key], `needs one value per queue (${queues}; got ${list.length})`);
    }
    const produce = b.produce ?? FULL_DEFAULTS.produce;
    const firsts = b.firstOffsets ?? FULL_DEFAULTS.firstOffsets;
    for (let q = 0; q < Math.min(queues, firsts.length); q++) {
      if (firsts[q] + a.messages + produce > OFFSET_LIMIT) {
        issue(
          ['bounds', 'firstOffsets'],
          `first offset ${firsts[q]} + ${a.messages} messages + ${produce} produced must be at most ${OFFSET_LIMIT} (offsets stay below 2^30, the model's mark of a timestamp startOffset)`,
        );
        break;
      }
    }
  }
  if (!RELEASES.some((r) => r.name === a.rocketmq)) return;
  let settings: Settings;
  try {
    settings = resolveSettings({ release: a.rocketmq, scenarioConfig: SCENARIOS.find((s) => s.name === a.scenario)?.config, batchAck: a.batchAck, overrides: a.settings });
  } catch (err) {
    const msg = (err as Error).message;
    const name = SETTING_INFO.map((s) => s.name as string).find((n) => msg.includes(n));
    if (a.batchAck && msg.includes('enablePopBatchAck') && a.settings?.enablePopBatchAck === undefined) issue(['batchAck'], msg);
    else issue(name ? ['settings', name] : ['settings'], msg);
    return;
  }
  if (a.scenario === 'ack-flush') {
    const why = ackFlushSettingsError(settings);
    if (why !== null) issue(['settings', 'popInvisibleTime'], why);
  }
}

export const ModelIdentitySchema = z.object(IDENTITY_FIELDS).strict().superRefine(refineIdentity);
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
