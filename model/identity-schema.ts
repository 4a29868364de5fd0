/**
 * The zod schema of a model identity (model/identity.ts: what it is, its limits, its flags).
 * Every entry point that takes an identity from outside parses it here: the CLI's flags
 * (cli/args.ts), a trace header (traces/format.ts), `replay`, the REPL's session, and
 * model/factory.ts's `createModel` and `buildPopModel`. It is a module of its own so that
 * building a model from a parsed identity (model/build.ts) and exploring it, in the main
 * thread or a worker, do not load zod.
 */
import { z } from 'zod';
import { resolveSettings } from './config.js';
import { COUNT_BOUNDS, LIST_BOUNDS, MAX_QUEUES, MESSAGES_LIMIT, type Bounds, type SettingOverrides } from './identity.js';
import { INVARIANT_NAMES } from './invariants.js';
import { MAX_QUEUE_ID, MAX_SETTING_MS, OFFSET_LIMIT } from './limits.js';
import { intIn } from './limits-schema.js';
import { ackFlushSettingsError } from './scenarios/ack-flush.js';
import { FULL_DEFAULTS } from './scenarios/full.js';
import { SCENARIOS } from './scenarios/index.js';
import { SETTING_INFO, type Settings } from './settings.js';
import { SettingsSchema } from './settings-schema.js';
import { RELEASES } from './versions.js';

type CountBound = keyof typeof COUNT_BOUNDS;

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

/** Setting overrides: the settings' own schema, times at most MAX_SETTING_MS. */
export const SettingOverridesSchema = SettingsSchema.partial()
  .strict()
  .superRefine((o, ctx) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'number' && v > MAX_SETTING_MS) ctx.addIssue({ code: 'custom', path: [k], message: `must be at most ${MAX_SETTING_MS} ms (got ${v})` });
    }
  });

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
