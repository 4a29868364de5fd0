/**
 * Builds the PopModel from a model identity (model/identity.ts): scenario, messages,
 * release, batch ack, setting overrides, bounds, invariant filter. The CLI builds its model
 * here, so does `popcheck replay` from a trace header, and so does every worker of the
 * parallel explorer, which loads this module by URL and calls `createModel` with the same
 * identity after a structured clone.
 */
import { resolveSettings } from './config.js';
import { issueText, ModelIdentitySchema, type ModelIdentity } from './identity.js';
import { PopModel } from './popmodel.js';
import { findScenario } from './scenarios/index.js';

/** The arguments a model is built from: a model identity. */
export type ModelArgs = ModelIdentity;

/** A model identity that cannot be used; `path` names the field (e.g. ['bounds', 'pops']). */
export class ModelArgsError extends Error {
  constructor(
    readonly path: readonly PropertyKey[],
    message: string,
  ) {
    super(message);
    this.name = 'ModelArgsError';
  }
}

/** Validates `args` against the identity schema; the first issue becomes a ModelArgsError. */
export function parseIdentity(args: unknown): ModelIdentity {
  const parsed = ModelIdentitySchema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelArgsError(issue.path, `invalid model arguments: ${issue.path.length > 0 ? issueText(issue) : `(root): ${issue.message}`}`);
  }
  return parsed.data;
}

export function buildPopModel(a: ModelArgs): PopModel {
  const id = parseIdentity(a);
  const def = findScenario(id.scenario)!;
  const settings = resolveSettings({ release: id.rocketmq, scenarioConfig: def.config, batchAck: id.batchAck, overrides: id.settings });
  const instance = def.build({ messages: id.messages, release: id.rocketmq, settings, bounds: id.bounds });
  const only = id.invariants ?? null;
  return new PopModel(instance, only ? (n) => only.includes(n as (typeof only)[number]) : undefined);
}

/** The entry point the parallel explorer's workers call: validates `args`, then builds. */
export function createModel(args: unknown): PopModel {
  return buildPopModel(parseIdentity(args));
}
