/**
 * Builds the PopModel from the arguments of `popcheck check` (scenario, messages, release,
 * batch-ack, `--set` overrides, invariant filter). The CLI builds its model here, and so does
 * every worker of the parallel explorer, which loads this module by URL and calls
 * `createModel` with the same arguments after a structured clone.
 */
import { z } from 'zod';
import { resolveSettings } from './config.js';
import { INVARIANT_NAMES } from './invariants.js';
import { PopModel } from './popmodel.js';
import { findScenario } from './scenarios/index.js';
import type { FullBounds } from './scenarios/full.js';
import { SettingsSchema, type SettingName, type SettingValue, type Settings } from './settings.js';

export interface ModelArgs {
  readonly scenario: string;
  readonly messages: number;
  readonly rocketmq: string;
  readonly batchAck: boolean;
  readonly overrides: Partial<Record<SettingName, SettingValue>>;
  /** Check only these invariants (null: the default set). */
  readonly invariants: readonly string[] | null;
  /** Bounds of the full scenario. */
  readonly bounds?: Partial<FullBounds>;
}

/** A model argument that cannot be used; `field` names the argument (e.g. "set", "batch-ack", "scenario full"). */
export class ModelArgsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'ModelArgsError';
  }
}

const ModelArgsSchema = z.object({
  scenario: z.string(),
  messages: z.number().int(),
  rocketmq: z.string(),
  batchAck: z.boolean(),
  overrides: SettingsSchema.partial().strict(),
  invariants: z.array(z.enum(INVARIANT_NAMES)).nullable(),
  bounds: z.record(z.string(), z.union([z.number(), z.boolean(), z.array(z.number())])).optional(),
});

export function buildPopModel(a: ModelArgs): PopModel {
  const def = findScenario(a.scenario);
  if (!def) throw new ModelArgsError('scenario', `unknown scenario '${a.scenario}'`);
  let settings: Settings;
  try {
    settings = resolveSettings({ release: a.rocketmq, scenarioConfig: def.config, batchAck: a.batchAck, overrides: a.overrides });
  } catch (err) {
    const msg = (err as Error).message;
    throw new ModelArgsError(a.batchAck && msg.includes('enablePopBatchAck') ? 'batch-ack' : 'set', msg);
  }
  let instance;
  try {
    instance = def.build({ messages: a.messages, release: a.rocketmq, settings, bounds: a.bounds });
  } catch (err) {
    if (err instanceof RangeError) throw new ModelArgsError(`scenario ${a.scenario}`, err.message);
    throw err;
  }
  const only = a.invariants;
  return new PopModel(instance, only ? (n) => only.includes(n) : undefined);
}

/** The entry point the parallel explorer's workers call: validates `args`, then builds. */
export function createModel(args: unknown): PopModel {
  const parsed = ModelArgsSchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelArgsError('args', `invalid model arguments: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return buildPopModel(parsed.data as ModelArgs);
}
