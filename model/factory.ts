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
import { SettingsSchema, type SettingName, type Settings } from './settings.js';

export interface ModelArgs {
  readonly scenario: string;
  readonly messages: number;
  readonly rocketmq: string;
  readonly batchAck: boolean;
  readonly overrides: Partial<Record<SettingName, boolean | number>>;
  /** Check only these invariants (null: all). */
  readonly invariants: readonly string[] | null;
}

/** A model argument that cannot be used; `field` names the argument (scenario, set). */
export class ModelArgsError extends Error {
  constructor(
    readonly field: 'scenario' | 'set' | 'args',
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
});

export function buildPopModel(a: ModelArgs): PopModel {
  const def = findScenario(a.scenario);
  if (!def) throw new ModelArgsError('scenario', `unknown scenario '${a.scenario}'`);
  let settings: Settings;
  try {
    settings = resolveSettings({ release: a.rocketmq, scenarioConfig: def.config, batchAck: a.batchAck, overrides: a.overrides });
  } catch (err) {
    throw new ModelArgsError('set', (err as Error).message);
  }
  const instance = def.build({ messages: a.messages, release: a.rocketmq, settings });
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
  return buildPopModel(parsed.data);
}
